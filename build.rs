//! Derives the parser version from the sources that decide what a report parses into, so that
//! the cache of parsed documents (keyed by it) never outlives a change to the parsing rules.

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// FNV-1a, 64 bits: enough to tell two versions of the rules apart.
fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

fn main() {
    let mut inputs = Vec::new();
    files(Path::new("src"), &mut inputs);
    files(Path::new("data/reference"), &mut inputs);
    inputs.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for path in &inputs {
        println!("cargo:rerun-if-changed={}", path.display());
        hash = fnv(hash, path.to_string_lossy().as_bytes());
        hash = fnv(hash, &fs::read(path).unwrap_or_default());
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=data/reference");
    println!("cargo:rustc-env=CNBUDGET_RULES_HASH={hash:016x}");
}
