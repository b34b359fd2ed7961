//! The learner's own data (`dataset=custom`, two classes; `dataset=custom3`, three;
//! `dataset=custom_reg`, regression): points drawn on the page or loaded from a CSV file,
//! carried by the `points` setting as compact text `x1:x2:label;x1:x2:label;…` (classes) or
//! `x:y;x:y;…` (regression: an input and its target). One parser for the page, the URL,
//! `--set` and `--config` ([`Points::parse`]), one for CSV files ([`Points::from_csv`]:
//! rows `x1,x2,label` or `x,y`); every error names the point or line and the problem. A set
//! is all class points or all regression points: the first point decides, a point of the
//! other form is an error.
//!
//! **Limits**: at most [`MAX_POINTS`] points, each coordinate finite with |x| ≤ [`MAX_ABS`],
//! labels 0, 1 or 2; the text at most [`MAX_TEXT`] characters, a CSV file at most
//! [`MAX_CSV_BYTES`] bytes. The page puts `points` in its URL only up to [`URL_MAX_POINTS`]
//! points; larger sets travel in the settings JSON (`--config`).
//!
//! **Split** ([`split`]): the data stream shuffles the points (Fisher–Yates); the first
//! ⌈n/4⌉ are held out for testing, the rest are for training. The training set has `n_train`
//! examples: example `i` is training point `i mod m` (m training points, in shuffled order),
//! plus Gaussian noise of standard deviation `noise` on each coordinate (x₁'s draw first) —
//! for a regression set on the target only, as for the generated regression sets (the input
//! is exact); the test set is built the same way from the held-out points. So every drawn point is used
//! equally often, the settings `n_train`, `batch` and `epochs` keep their meaning, and the
//! test set never contains a training point.

use crate::data::{Dataset, Split};
use crate::rng::Mulberry32;
use std::fmt;

/// Most points a data set may have.
pub const MAX_POINTS: usize = 2000;
/// Most points the page writes into its URL (more travel only in the settings JSON).
pub const URL_MAX_POINTS: usize = 200;
/// Largest |coordinate|.
pub const MAX_ABS: f64 = 10.0;
/// Longest `points` text, in characters (40 per point).
pub const MAX_TEXT: usize = MAX_POINTS * 40;
/// Largest CSV file, in bytes (the page checks the file's size before reading it).
pub const MAX_CSV_BYTES: usize = 256 * 1024;
/// Fewest points a custom data set needs (three to train on, one held out).
pub const MIN_POINTS: usize = 4;

/// One point: two input coordinates and a class label (0, 1 or 2); or, for regression
/// (`label` None), the input `x1` and its target `x2`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x1: f64,
    pub x2: f64,
    pub label: Option<u8>,
}

/// The `points` setting: the learner's points, in the order they were drawn.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points(pub Vec<Point>);

/// A rejected point or line: `at` names it ("point 3", "line 7"), `text` is (at most 40
/// characters of) what was there, `problem` says what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct PointsError {
    pub at: String,
    pub text: String,
    pub problem: String,
}

impl fmt::Display for PointsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.is_empty() {
            write!(f, "{}: {}", self.at, self.problem)
        } else {
            write!(f, "{} ({:?}): {}", self.at, self.text, self.problem)
        }
    }
}

impl std::error::Error for PointsError {}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// One coordinate: a finite number with |x| ≤ MAX_ABS.
fn coordinate(name: &str, text: &str) -> Result<f64, String> {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(x) if !x.is_finite() => Err(format!("{name} {:?} is not a finite number", clip(t))),
        Ok(x) if x.abs() > MAX_ABS => Err(format!("{name} = {x} is outside [−{MAX_ABS}, {MAX_ABS}]")),
        Ok(x) => Ok(x),
        Err(_) => Err(format!("{name} {:?} is not a number", clip(t))),
    }
}

/// A label: 0, 1 or 2.
fn label(text: &str) -> Result<u8, String> {
    match text.trim() {
        "0" => Ok(0),
        "1" => Ok(1),
        "2" => Ok(2),
        t => Err(format!("label {:?} is not 0, 1 or 2", clip(t))),
    }
}

/// A point from its fields: `[x1, x2, label]` (a class point) or `[x, y]` (a regression
/// point). `regression`: the form of the set's first point (None: this is the first), which
/// every later point must share.
fn point(fields: &[&str], regression: Option<bool>) -> Result<Point, String> {
    match (fields.len(), regression) {
        (3, None | Some(false)) => Ok(Point { x1: coordinate("x1", fields[0])?, x2: coordinate("x2", fields[1])?, label: Some(label(fields[2])?) }),
        (2, None | Some(true)) => Ok(Point { x1: coordinate("x", fields[0])?, x2: coordinate("y", fields[1])?, label: None }),
        (n, Some(true)) => Err(format!("expected 2 fields x, y (the first point is a regression point x, y), found {n}")),
        (n, Some(false)) => Err(format!("expected 3 fields x1, x2, label (the first point has a class label), found {n}")),
        (n, None) => Err(format!("expected 3 fields x1, x2, label (classes) or 2 fields x, y (regression), found {n}")),
    }
}

impl Points {
    /// Parses `x1:x2:label;…` (spaces around fields and a trailing `;` allowed; empty text:
    /// no points). The first bad point is the error.
    pub fn parse(text: &str) -> Result<Points, PointsError> {
        let whole = |problem: String| PointsError { at: "points".into(), text: String::new(), problem };
        if text.chars().count() > MAX_TEXT {
            return Err(whole(format!("the text is longer than {MAX_TEXT} characters")));
        }
        let body = text.trim();
        let body = body.strip_suffix(';').unwrap_or(body);
        if body.is_empty() {
            return Ok(Points::default());
        }
        let mut out = Vec::new();
        for (i, item) in body.split(';').enumerate() {
            if i >= MAX_POINTS {
                return Err(whole(format!("more than {MAX_POINTS} points")));
            }
            let fields: Vec<&str> = item.split(':').collect();
            let form = out.first().map(|p: &Point| p.label.is_none());
            let p = point(&fields, form).map_err(|problem| PointsError { at: format!("point {}", i + 1), text: clip(item.trim()), problem })?;
            out.push(p);
        }
        Ok(Points(out))
    }

    /// Parses a CSV file of `x1,x2,label` rows, or of `x,y` rows for regression (an optional
    /// header line `x1,x2,label` or `x,y`, blank lines skipped, `\r\n` line ends allowed).
    /// The first bad line is the error, by its 1-based line number.
    pub fn from_csv(text: &str) -> Result<Points, PointsError> {
        let line_err = |n: usize, text: &str, problem: String| PointsError { at: format!("line {n}"), text: clip(text.trim()), problem };
        if text.len() > MAX_CSV_BYTES {
            return Err(PointsError { at: "file".into(), text: String::new(), problem: format!("larger than {MAX_CSV_BYTES} bytes") });
        }
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let t = line.trim();
            let header = |h: &str| out.is_empty() && t.replace(' ', "").eq_ignore_ascii_case(h);
            if t.is_empty() || header("x1,x2,label") || header("x,y") {
                continue;
            }
            if t.chars().any(|c| c.is_control() && c != '\t') {
                return Err(line_err(n, line, "is not text (control characters: a binary file?)".into()));
            }
            if out.len() >= MAX_POINTS {
                return Err(line_err(n, line, format!("more than {MAX_POINTS} points")));
            }
            let fields: Vec<&str> = t.split(',').collect();
            let form = out.first().map(|p: &Point| p.label.is_none());
            out.push(point(&fields, form).map_err(|p| line_err(n, line, p))?);
        }
        if out.is_empty() {
            return Err(PointsError { at: "file".into(), text: String::new(), problem: "has no points (expected lines x1,x2,label or x,y)".into() });
        }
        Ok(Points(out))
    }

    /// The text [`Points::parse`] reads back exactly (each coordinate in its shortest
    /// round-trip form).
    pub fn to_text(&self) -> String {
        let one = |p: &Point| match p.label {
            Some(l) => format!("{}:{}:{l}", p.x1, p.x2),
            None => format!("{}:{}", p.x1, p.x2),
        };
        self.0.iter().map(one).collect::<Vec<_>>().join(";")
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first point (1-based) whose label is not below `classes`, and its label.
    pub fn label_at_least(&self, classes: usize) -> Option<(usize, u8)> {
        self.0.iter().enumerate().find_map(|(i, p)| p.label.filter(|&l| l as usize >= classes).map(|l| (i + 1, l)))
    }

    /// Whether these are regression points `x:y` (the parser keeps a set of one form; an
    /// empty set is not).
    pub fn is_regression(&self) -> bool {
        self.0.first().is_some_and(|p| p.label.is_none())
    }
}

/// The settings JSON (`--config`, `metrics.json`) writes the points as their text.
impl serde::Serialize for Points {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

/// `n` examples from `pool` (the module docs' rule): example `i` is `pool[i mod m]` plus
/// noise on each coordinate (a regression point: on its target only).
fn examples(pool: &[Point], n: usize, noise: f64, rng: &mut Mulberry32) -> Dataset {
    let regression = pool.first().is_some_and(|p| p.label.is_none());
    let dim = if regression { 1 } else { 2 };
    let mut x = Vec::with_capacity(dim * n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let p = pool[i % pool.len()];
        match p.label {
            None => {
                x.push(p.x1 as f32);
                y.push((p.x2 + noise * rng.gauss()) as f32);
            }
            Some(label) => {
                let x1 = p.x1 + noise * rng.gauss();
                let x2 = p.x2 + noise * rng.gauss();
                x.push(x1 as f32);
                x.push(x2 as f32);
                y.push(label as f32);
            }
        }
    }
    Dataset { dim, x, y }
}

/// Points held out for testing: ⌈n/4⌉.
pub fn held_out(n: usize) -> usize {
    n.div_ceil(4)
}

/// The train and test sets of `points` (at least [`MIN_POINTS`]; the settings check ensures
/// it) from the data stream `rng`: see the module docs.
pub fn split(points: &Points, n_train: usize, n_test: usize, noise: f64, rng: &mut Mulberry32) -> Split {
    let mut p = points.0.clone();
    if p.is_empty() {
        p.push(Point { x1: 0.0, x2: 0.0, label: Some(0) });
    }
    for i in (1..p.len()).rev() {
        let j = rng.below(i + 1);
        p.swap(i, j);
    }
    let h = held_out(p.len()).min(p.len() - 1).max(usize::from(p.len() == 1));
    let (test_pool, train_pool) = p.split_at(h.min(p.len()));
    let train_pool = if train_pool.is_empty() { test_pool } else { train_pool };
    let test_pool = if test_pool.is_empty() { train_pool } else { test_pool };
    let train = examples(train_pool, n_train, noise, rng);
    let test = examples(test_pool, n_test, noise, rng);
    Split { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(f64, f64, u8)]) -> Points {
        Points(v.iter().map(|&(x1, x2, label)| Point { x1, x2, label: Some(label) }).collect())
    }

    #[test]
    fn text_round_trips_exactly() {
        let p = pts(&[(0.1, -1.25, 0), (1.0 / 3.0, 9.999, 1), (-10.0, 10.0, 2), (1e-7, 0.0, 1)]);
        assert_eq!(Points::parse(&p.to_text()).unwrap(), p);
        assert_eq!(Points::parse(" 0.5 : 1 : 1 ; -2:3:0; ").unwrap(), pts(&[(0.5, 1.0, 1), (-2.0, 3.0, 0)]));
        assert_eq!(Points::parse("").unwrap(), Points::default());
        assert_eq!(Points::parse("  ;").unwrap(), Points::default());
    }

    #[test]
    fn every_error_names_the_point_and_the_problem() {
        let cases = [
            ("1:2:0;1:x:1", "point 2", "x2 \"x\" is not a number"),
            ("1:2:0:4", "point 1", "expected 3 fields x1, x2, label (classes) or 2 fields x, y (regression), found 4"),
            ("1:2:0;1:2", "point 2", "expected 3 fields x1, x2, label (the first point has a class label), found 2"),
            ("1:2;1:2:0", "point 2", "expected 2 fields x, y (the first point is a regression point x, y), found 3"),
            ("1:2;1:nan", "point 2", "y \"nan\" is not a finite number"),
            ("0:0:0;1:1:3", "point 2", "label \"3\" is not 0, 1 or 2"),
            ("0:0:0.5", "point 1", "label \"0.5\""),
            ("NaN:0:0", "point 1", "x1 \"NaN\" is not a finite number"),
            ("0:inf:1", "point 1", "x2 \"inf\" is not a finite number"),
            ("0:-infinity:1", "point 1", "not a finite number"),
            ("0:0:0;;1:1:1", "point 2", "found 1"),
            ("11:0:0", "point 1", "x1 = 11 is outside"),
        ];
        for (text, at, problem) in cases {
            let e = Points::parse(text).unwrap_err();
            assert_eq!(e.at, at, "{text}");
            assert!(e.to_string().contains(problem), "{text}: {e}");
            assert!(e.to_string().starts_with(at), "{text}: {e}");
        }
    }

    #[test]
    fn limits_on_the_number_of_points_and_the_length() {
        let at_limit = vec!["1:1:1"; MAX_POINTS].join(";");
        assert_eq!(Points::parse(&at_limit).unwrap().len(), MAX_POINTS);
        let over = vec!["1:1:1"; MAX_POINTS + 1].join(";");
        assert!(Points::parse(&over).unwrap_err().problem.contains("more than 2000 points"));
        let long = "1".repeat(MAX_TEXT + 1);
        assert!(Points::parse(&long).unwrap_err().problem.contains("longer than"));
        // A million rows of CSV: refused by size before anything is parsed.
        let million = "0,0,0\n".repeat(1_000_000);
        let e = Points::from_csv(&million).unwrap_err();
        assert_eq!(e.at, "file");
        let rows = "0,0,1\n".repeat(MAX_POINTS + 1);
        assert_eq!(Points::from_csv(&rows).unwrap_err().at, format!("line {}", MAX_POINTS + 1));
    }

    #[test]
    fn csv_reads_rows_and_names_the_bad_line() {
        let ok = Points::from_csv("x1,x2,label\r\n0.5,1,0\n\n-1, 2 ,1\n").unwrap();
        assert_eq!(ok, pts(&[(0.5, 1.0, 0), (-1.0, 2.0, 1)]));
        let e = Points::from_csv("x1,x2,label\n0,0,0\n1,1,1\n1,oops,1\n").unwrap_err();
        assert_eq!(e.to_string(), "line 4 (\"1,oops,1\"): x2 \"oops\" is not a number");
        let e = Points::from_csv("0\n").unwrap_err();
        assert_eq!(e.at, "line 1");
        assert!(e.problem.contains("found 1"));
        let e = Points::from_csv("0,0,1\n0,0\n").unwrap_err();
        assert_eq!(e.at, "line 2");
        assert!(e.problem.contains("found 2"));
        let e = Points::from_csv("0,0,0\n\u{0}\u{1}\u{fffd}PNG\n").unwrap_err();
        assert_eq!(e.at, "line 2");
        assert!(e.problem.contains("not text"));
        assert!(Points::from_csv("x1,x2,label\n\n").unwrap_err().problem.contains("no points"));
        assert!(Points::from_csv("0,NaN,1").unwrap_err().problem.contains("not a finite number"));
    }

    #[test]
    fn split_holds_out_a_quarter_uses_every_point_and_is_deterministic() {
        let p = pts(&(0..20).map(|i| (i as f64 * 0.1 + 0.05, -(i as f64) * 0.1 - 0.05, (i % 2) as u8)).collect::<Vec<_>>());
        let a = split(&p, 64, 64, 0.0, &mut Mulberry32::new(7));
        let b = split(&p, 64, 64, 0.0, &mut Mulberry32::new(7));
        assert_eq!(a, b);
        assert_ne!(a, split(&p, 64, 64, 0.0, &mut Mulberry32::new(8)));
        let distinct = |d: &Dataset| {
            let mut v: Vec<(u32, u32)> = (0..d.len()).map(|i| (d.row(i)[0].to_bits(), d.row(i)[1].to_bits())).collect();
            v.sort();
            v.dedup();
            v
        };
        let (tr, te) = (distinct(&a.train), distinct(&a.test));
        assert_eq!((tr.len(), te.len()), (15, 5), "⌈20/4⌉ = 5 held out");
        assert!(tr.iter().all(|r| !te.contains(r)), "no test point is a training point");
        assert_eq!((a.train.len(), a.test.len()), (64, 64));
        // Every training point is used ⌊64/15⌋ or ⌈64/15⌉ times.
        for r in &tr {
            let k = (0..64).filter(|&i| (a.train.row(i)[0].to_bits(), a.train.row(i)[1].to_bits()) == *r).count();
            assert!(k == 4 || k == 5, "{k}");
        }
        // Noise moves the examples by about `noise`.
        let noisy = split(&p, 64, 64, 0.1, &mut Mulberry32::new(7));
        let d: f64 = (0..128).map(|k| (noisy.train.x[k] - a.train.x[k]) as f64).map(|e| e * e).sum::<f64>() / 128.0;
        assert!((0.005..0.02).contains(&d), "mean square shift {d}");
    }

    /// Regression points `x:y` (dataset=custom_reg): the same parser, the text and CSV forms,
    /// hostile input named by its line, and a split with the input exact and noise on the
    /// target only.
    #[test]
    fn regression_points_parse_split_and_reject_hostile_input() {
        let reg = |v: &[(f64, f64)]| Points(v.iter().map(|&(x1, x2)| Point { x1, x2, label: None }).collect());
        let p = reg(&[(-1.5, 0.25), (0.1, -2.0), (1.0 / 3.0, 9.5), (2.0, 0.0)]);
        assert!(p.is_regression());
        assert!(!pts(&[(0.0, 0.0, 1)]).is_regression());
        assert_eq!(p.to_text(), "-1.5:0.25;0.1:-2;0.3333333333333333:9.5;2:0");
        assert_eq!(Points::parse(&p.to_text()).unwrap(), p);
        assert_eq!(p.label_at_least(2), None);
        // CSV: header x,y, CRLF, blank lines; the bad line named.
        assert_eq!(Points::from_csv("x,y\r\n-1.5,0.25\n\n0.1, -2\n").unwrap(), reg(&[(-1.5, 0.25), (0.1, -2.0)]));
        let cases = [
            ("x,y\n0,1\n2,NaN\n", "line 3", "y \"NaN\" is not a finite number"),
            ("0,1\n1,2,0\n", "line 2", "expected 2 fields x, y"),
            ("0,1\n1;2\n", "line 2", "found 1"),
            ("0,1\n1,2,3,4\n", "line 2", "found 4"),
            ("0,1\n1e9,2\n", "line 2", "x = 1000000000 is outside"),
            ("0,1\nx,y\n", "line 2", "x \"x\" is not a number"),
        ];
        for (text, at, problem) in cases {
            let e = Points::from_csv(text).unwrap_err();
            assert_eq!(e.at, at, "{text:?}");
            assert!(e.to_string().contains(problem), "{text:?}: {e}");
        }
        let million = "0,1\n".repeat(1_000_000);
        assert_eq!(Points::from_csv(&million).unwrap_err().at, "file");
        let rows = "0,1\n".repeat(MAX_POINTS + 1);
        assert_eq!(Points::from_csv(&rows).unwrap_err().at, format!("line {}", MAX_POINTS + 1));
        // The split: 1-D inputs, exactly the points' x; noise moves only the targets.
        let p = reg(&(0..20).map(|i| (i as f64 * 0.1 - 1.0, (i as f64 * 0.3).sin())).collect::<Vec<_>>());
        let a = split(&p, 64, 32, 0.0, &mut Mulberry32::new(3));
        assert_eq!((a.train.dim, a.train.x.len(), a.test.dim, a.test.x.len()), (1, 64, 1, 32));
        let xs = |d: &Dataset| d.x.iter().map(|v| v.to_bits()).collect::<std::collections::BTreeSet<_>>();
        let (tr, te) = (xs(&a.train), xs(&a.test));
        assert_eq!((tr.len(), te.len()), (15, 5));
        assert!(tr.is_disjoint(&te), "no test input is a training input");
        for (x, y) in a.train.x.iter().zip(&a.train.y) {
            let q = p.0.iter().find(|q| q.x1 as f32 == *x).unwrap();
            assert_eq!(*y, q.x2 as f32, "without noise the target is the point's y");
        }
        let noisy = split(&p, 64, 32, 0.1, &mut Mulberry32::new(3));
        assert_eq!(noisy.train.x, a.train.x, "the input is exact");
        let d: f64 = noisy.train.y.iter().zip(&a.train.y).map(|(u, v)| ((u - v) as f64).powi(2)).sum::<f64>() / 64.0;
        assert!((0.004..0.02).contains(&d), "mean square target shift {d}");
    }
}
