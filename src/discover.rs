//! Finding the reports under an input folder.
//!
//! Takes the input root; gives every `.txt`, `.md` and `.json` file below it (hidden files and
//! folders skipped, symbolic links followed once: a loop is not entered twice), sorted by
//! path relative to the root so that every run sees the same order. A folder or file that
//! cannot be listed becomes an [`Entry`] with its reason, so that it gets a `failed`
//! documents row. Does not open the files.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::decode::Format;
use crate::error::{Error, Result};

/// One input file, or a path that could not be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// Relative to the input root, `/`-separated.
    pub relative: String,
    /// How to read it, or why it cannot be.
    pub kind: Result<Format, String>,
}

/// The format a file's extension promises, if it is one cnbudget reads.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" => Some(Format::Text),
        "json" => Some(Format::PageArray),
        _ => None,
    }
}

/// Lists the input root. Only an unreadable root is an error; anything below it is an entry.
pub fn discover(root: &Path) -> Result<Vec<Entry>> {
    let meta = fs::metadata(root).map_err(|source| Error::Input { path: root.to_path_buf(), source })?;
    if meta.is_file() {
        let relative = root.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let kind = format_of(root).ok_or_else(|| "not a .txt, .md or .json file".to_string());
        return Ok(vec![Entry { path: root.to_path_buf(), relative, kind }]);
    }
    fs::read_dir(root).map_err(|source| Error::Input { path: root.to_path_buf(), source })?;
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    walk(root, root, &mut seen, &mut entries);
    entries.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(entries)
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn walk(root: &Path, dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<Entry>) {
    // A symlink loop leads back to a folder already listed: list each real folder once.
    let Ok(real) = fs::canonicalize(dir) else { return };
    if !seen.insert(real) {
        return;
    }
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) => {
            out.push(Entry {
                path: dir.to_path_buf(),
                relative: relative(root, dir),
                kind: Err(format!("cannot read folder: {e}")),
            });
            return;
        }
    };
    for item in listing.flatten() {
        let path = item.path();
        if item.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(root, &path, seen, out),
            Ok(m) if m.is_file() => {
                if let Some(format) = format_of(&path) {
                    out.push(Entry { relative: relative(root, &path), path, kind: Ok(format) });
                }
            }
            Ok(_) => {}
            Err(e) if format_of(&path).is_some() || fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) => {
                out.push(Entry { relative: relative(root, &path), path, kind: Err(format!("cannot open: {e}")) });
            }
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_reports_in_path_order_and_skips_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("b/c")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for f in ["b/c/z.TXT", "a.md", "b/y.json", "notes.pdf", ".hidden.txt", ".git/x.txt"] {
            fs::write(root.join(f), "x").unwrap();
        }
        let got: Vec<String> = discover(root).unwrap().into_iter().map(|e| e.relative).collect();
        assert_eq!(got, ["a.md", "b/c/z.TXT", "b/y.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_listed_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir(root.join("d")).unwrap();
        fs::write(root.join("d/r.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("d/loop")).unwrap();
        let got: Vec<String> = discover(root).unwrap().into_iter().map(|e| e.relative).collect();
        assert_eq!(got, ["d/r.txt"]);
    }

    #[test]
    fn a_missing_root_is_an_error() {
        assert!(matches!(discover(Path::new("/nonexistent/cnbudget")), Err(Error::Input { .. })));
    }
}
