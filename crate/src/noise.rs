//! Gradient noise scale.
