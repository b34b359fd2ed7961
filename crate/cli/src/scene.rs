//! The page's guided scenes, read from `www/scenes.json` (the one file the page's scenes.js
//! imports too): each scene's name, title, settings pairs and claims.

use batchscape_core::seeds::Claim;
use batchscape_core::settings::Settings;
use std::sync::OnceLock;

pub const ABOUT: &str = "Trains a guided scene of the page: the defaults with the scene's settings pairs (www/scenes.json), then --config/--set in the order given, and writes the same files as `batchscape run` (figures as SVG; metrics.json names the scene). With --seeds N it also runs the scene's batch sizes for seeds s … s+N−1 and writes seeds.json with the verdicts of the scene's claims (\"holds in k of N seeds\"), as the page's seeds line reads them.";

/// One scene of `www/scenes.json`.
#[derive(Debug, serde::Deserialize)]
pub struct Scene {
    #[serde(skip)]
    pub name: String,
    pub title: String,
    /// Settings as the page's URL pairs (key → value text; each applies to one key, so their
    /// order does not matter).
    pub pairs: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub claims: Vec<String>,
}

impl Scene {
    /// The defaults with this scene's pairs applied in order (the page's state of the scene).
    pub fn settings(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        for (key, value) in &self.pairs {
            let text = value.as_str().ok_or_else(|| format!("www/scenes.json: scene `{}`: `{key}` is not a string", self.name))?;
            s.set(key, text).map_err(|e| format!("www/scenes.json: scene `{}`: {e}", self.name))?;
        }
        Ok(s)
    }

    /// The scene's claims, as the core's seeds study names them.
    pub fn claims(&self) -> Vec<Claim> {
        self.claims.iter().filter_map(|c| Claim::parse(c)).collect()
    }
}

/// Every scene, by name (a file that does not parse is a bug the tests catch:
/// `every_scene_of_scenes_json_parses_and_checks`).
pub fn all() -> &'static [Scene] {
    static SCENES: OnceLock<Vec<Scene>> = OnceLock::new();
    SCENES.get_or_init(|| {
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../../../www/scenes.json")).expect("www/scenes.json is a JSON object");
        map.into_iter()
            .map(|(name, v)| {
                let mut scene: Scene = serde_json::from_value(v).unwrap_or_else(|e| panic!("www/scenes.json: scene `{name}`: {e}"));
                scene.name = name;
                scene
            })
            .collect()
    })
}

pub fn find(name: &str) -> Option<&'static Scene> {
    all().iter().find(|s| s.name == name)
}

/// The scene names, for clap (its error for an unknown name lists them; completions offer them).
pub fn names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(all().iter().map(|s| clap::builder::PossibleValue::new(s.name.as_str()).help(s.title.as_str())))
}

/// The scenes with their titles and settings, for `scene --help`.
pub fn list() -> String {
    let rows: Vec<String> = all()
        .iter()
        .map(|s| {
            let pairs: Vec<String> = s.pairs.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?"))).collect();
            format!("  {:<14}{}\n  {:<14}{}", s.name, s.title, "", pairs.join(" "))
        })
        .collect();
    format!("Scenes (www/scenes.json):\n{}", rows.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scene_of_scenes_json_parses_and_checks() {
        assert!(all().len() >= 10, "{} scenes", all().len());
        for s in all() {
            let settings = s.settings().unwrap();
            settings.check().unwrap_or_else(|e| panic!("scene {}: {e}", s.name));
            assert_eq!(s.claims().len(), s.claims.len(), "scene {}: every claim is a core claim: {:?}", s.name, s.claims);
            assert!(!s.title.is_empty());
        }
        let noisy = find("noisy").unwrap();
        assert_eq!((noisy.settings().unwrap().batch, noisy.claims()), (vec![1, 256], vec![Claim::JaggedSmall, Claim::SmallFitsBetter]));
    }
}
