//! Per-run analysis.
