//! Settings enums' names, written once: [`Named`] and [`named_enum!`].

/// A settings enum's names: the one (variant, "name") list that [`named_enum!`] turns into
/// `parse`, `name`, `Display`, serde and the `Choice` list of [`KEYS`].
pub trait Named: Sized + Copy + 'static {
    /// Every name, in the order of the variants (the key's `Choice` list).
    const NAMES: &'static [&'static str];
    fn name(self) -> &'static str;
    fn from_name(name: &str) -> Option<Self>;
}

/// Declares an enum whose variants each have a settings name, written once:
///
/// ```ignore
/// named_enum! {
///     /// Which update rule.
///     #[derive(Clone, Copy, Debug, PartialEq, Eq)]
///     pub enum Method {
///         Sgd = "sgd",
///         Momentum = "momentum",
///         Adam = "adam",
///     }
/// }
/// ```
///
/// yields the enum (doc comments and attributes kept), `ALL` (every variant, in order),
/// `name()`, `parse(&str)`, `Display` (the name), serde (de)serialisation as the name (serde's
/// own derive, with `#[serde(rename = "name")]` on each variant) and [`Named`], from which the
/// settings table takes the key's choices. Hand-written `macro_rules!` rather than a derive
/// crate: it is forty lines, compiles for wasm32 with nothing new, and serde already covers
/// the (de)serialisation.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every variant, in the order of the settings table.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            /// The settings name (the key's value in a URL, `--set` and JSON).
            pub fn name(self) -> &'static str {
                <Self as $crate::settings::Named>::name(self)
            }

            /// The variant of a settings name (exact, case-sensitive).
            pub fn parse(name: &str) -> Option<Self> {
                <Self as $crate::settings::Named>::from_name(name)
            }
        }

        impl $crate::settings::Named for $name {
            const NAMES: &'static [&'static str] = &[$($text),+];

            fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $text => Some(Self::$variant), )+
                    _ => None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}
pub(crate) use named_enum;
