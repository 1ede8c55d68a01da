//! Parsed documents kept between runs, so that a nightly run re-parses only what changed.
//!
//! Takes the published output folder (where the last run's cache is) and the staging folder
//! (where the next one goes); gives [`Cache::get`], the document parsed earlier from the same
//! bytes by the same parser version, and [`Cache::put`]. An entry is one file,
//! `.cache/<parser version>/<hh>/<BLAKE3 of the bytes>.doc` (postcard-encoded); reused entries
//! are hard-linked from the old cache into the new one, so the cache is published with — and
//! exactly matches — the output it produced, and the entries of removed files are simply not
//! carried over. A new parser version starts an empty cache. A damaged entry is a miss, never
//! an error.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::PARSER_VERSION;
use crate::error::{Error, Result};
use crate::model::Document;

/// The cache folder inside an output folder (hidden from `facts/**` globs).
pub const CACHE_DIR: &str = ".cache";
/// The list of the files a run read, and their keys: `path<TAB>key` per line.
const MANIFEST: &str = "files.tsv";

/// The key of a file: the BLAKE3 hash of its bytes (32 bytes, written as hex in file names).
pub type Key = blake3::Hash;

/// The key of a file's bytes.
pub fn key(bytes: &[u8]) -> Key {
    blake3::hash(bytes)
}

/// Where the parser version's entries live, inside an output (or staging) folder.
fn version_dir(root: &Path) -> PathBuf {
    // The version string holds `/`: its hash names the folder.
    let tag = &blake3::hash(PARSER_VERSION.as_bytes()).to_hex()[..16];
    root.join(CACHE_DIR).join(tag)
}

fn entry(dir: &Path, key: &Key) -> PathBuf {
    let hex = key.to_hex();
    dir.join(&hex[..2]).join(format!("{hex}.doc"))
}

/// Makes a file at `path` with `make`, creating its folder only when it is missing: the first
/// entry of each folder pays for the `mkdir`, not every entry.
fn in_new_dir<T>(path: &Path, make: impl Fn() -> std::io::Result<T>) -> std::io::Result<T> {
    match make() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            make()
        }
        made => made,
    }
}

/// The previous cache (read) and the next one (written).
#[derive(Debug)]
pub struct Cache {
    previous: PathBuf,
    next: PathBuf,
}

/// What a run did with the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    /// Files parsed in this run.
    pub parsed: usize,
    /// Files whose earlier result was reused.
    pub reused: usize,
    /// Files the previous run read that are gone from the input.
    pub removed: usize,
}

impl Cache {
    /// Opens the cache of the output published at `output`, writing the next one into
    /// `staging`.
    pub fn open(output: &Path, staging: &Path) -> Result<Cache> {
        let next = version_dir(staging);
        fs::create_dir_all(&next).map_err(|source| Error::Output { path: next.clone(), source })?;
        Ok(Cache { previous: version_dir(output), next })
    }

    /// The document parsed earlier from the file with this key, carried into the next cache.
    /// The source file name is the caller's: the same bytes may have moved.
    pub fn get(&self, key: &Key, source_file: &str) -> Option<Document> {
        let old = entry(&self.previous, key);
        let bytes = fs::read(&old).ok()?;
        let mut doc: Document = postcard::from_bytes(&bytes).ok()?;
        let new = entry(&self.next, key);
        if !new.exists() {
            let linked = in_new_dir(&new, || fs::hard_link(&old, &new));
            if linked.is_err() {
                in_new_dir(&new, || fs::File::create(&new)).and_then(|mut file| file.write_all(&bytes)).ok()?;
            }
        }
        doc.source_file = source_file.to_string();
        Some(doc)
    }

    /// A document this run stored (or carried over) in the next cache.
    pub fn load_next(&self, key: &Key, source_file: &str) -> Option<Document> {
        let mut doc: Document = postcard::from_bytes(&fs::read(entry(&self.next, key)).ok()?).ok()?;
        doc.source_file = source_file.to_string();
        Some(doc)
    }

    /// Stores a document parsed in this run.
    pub fn put(&self, key: &Key, doc: &Document) -> Result<()> {
        let path = entry(&self.next, key);
        let io = |source| Error::Output { path: path.clone(), source };
        let bytes = postcard::to_stdvec(doc).map_err(|e| io(std::io::Error::other(e)))?;
        let mut file = in_new_dir(&path, || fs::File::create(&path)).map_err(io)?;
        file.write_all(&bytes).map_err(io)
    }

    /// Writes the list of files this run read, and counts those of the previous run that are
    /// gone.
    pub fn finish<'a>(&self, files: impl Iterator<Item = (&'a str, &'a Key)> + Clone) -> Result<usize> {
        let previous: Vec<String> = fs::read_to_string(self.previous.join(MANIFEST))
            .map(|s| s.lines().filter_map(|l| l.split('\t').next().map(str::to_string)).collect())
            .unwrap_or_default();
        let now: std::collections::HashSet<&str> = files.clone().map(|(p, _)| p).collect();
        let removed = previous.iter().filter(|p| !now.contains(p.as_str())).count();
        let list: String = files.map(|(p, k)| format!("{p}\t{}\n", k.to_hex())).collect();
        let path = self.next.join(MANIFEST);
        fs::write(&path, list).map_err(|source| Error::Output { path, source })?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Format;

    #[test]
    fn a_document_survives_the_round_trip_exactly() {
        let text =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/corpus/wuhan-jianghan-bigdata-2023-final.txt"))
                .unwrap();
        let doc = crate::parse_document("a.txt", &text, Format::Text);
        let tmp = tempfile::tempdir().unwrap();
        let (out, staging) = (tmp.path().join("out"), tmp.path().join("staging"));
        let first = Cache::open(&out, &out).unwrap();
        let (k, other) = (key(b"abcd"), key(b"ffff"));
        first.put(&k, &doc).unwrap();
        let second = Cache::open(&out, &staging).unwrap();
        let again = second.get(&k, "b.txt").expect("a hit");
        assert_eq!(again, crate::model::Document { source_file: "b.txt".into(), ..doc });
        assert!(entry(&version_dir(&staging), &k).exists(), "carried into the next cache");
        assert!(second.get(&other, "c.txt").is_none());
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let c = Cache::open(&out, &out).unwrap();
        let dead = key(b"dead");
        let path = entry(&version_dir(&out), &dead);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"\xFF\xFF not postcard").unwrap();
        assert!(c.get(&dead, "x.txt").is_none());
    }
}
