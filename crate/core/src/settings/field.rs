//! Text ↔ value for each field type of the settings table ([`Field`]), from what a key's
//! [`super::Kind`] parsed ([`Parsed`]).

use super::named::Named;

/// A value as its key's kind parsed it, before it becomes a field.
pub(super) enum Parsed {
    Int(i64),
    Float(f64),
    Text(&'static str),
    List(Vec<i64>),
    Points(crate::custom::Points),
}

/// A field type of the table: built from what its key's [`Kind`] parsed, written back as the
/// text [`Settings::set`] accepts.
pub(super) trait Field: Sized {
    /// The [`Kind::tag`] of the rows this type can hold.
    const KIND: u8;
    fn from_parsed(parsed: Parsed) -> Option<Self>;
    fn to_text(&self) -> String;
}

/// Integer fields: `Kind::Int` values, which the range keeps within the type.
macro_rules! int_fields {
    ($($int:ty),+) => {$(
        impl Field for $int {
            const KIND: u8 = 0;
            fn from_parsed(parsed: Parsed) -> Option<Self> {
                match parsed {
                    Parsed::Int(n) => <$int>::try_from(n).ok(),
                    _ => None,
                }
            }
            fn to_text(&self) -> String {
                self.to_string()
            }
        }
    )+};
}
int_fields!(u32, usize);

impl Field for f64 {
    const KIND: u8 = 1;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::Float(x) => Some(x),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl Field for Vec<usize> {
    const KIND: u8 = 3;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::List(l) => l.into_iter().map(|n| usize::try_from(n).ok()).collect(),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",")
    }
}

impl<T: Named> Field for T {
    const KIND: u8 = 2;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::Text(name) => T::from_name(name),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        self.name().into()
    }
}

impl Field for crate::custom::Points {
    const KIND: u8 = 4;
    fn from_parsed(parsed: Parsed) -> Option<Self> {
        match parsed {
            Parsed::Points(p) => Some(p),
            _ => None,
        }
    }
    fn to_text(&self) -> String {
        crate::custom::Points::to_text(self)
    }
}
