//! Finding the reports under an input folder.
//!
//! Takes the input root; gives every `.txt`, `.md`, `.json` and `.pdf` file below it (hidden
//! files and folders skipped, symbolic links followed once: a loop is not entered twice),
//! sorted by path relative to the root so that every run sees the same order. A folder or file
//! that cannot be listed becomes an [`Entry`] with its reason, so that it gets a `failed`
//! documents row. A PDF and a text file with the same name in the same folder are one report:
//! the PDF, the published original, is read, and the text is marked a duplicate of it. Does
//! not open the files.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::decode::Format;
use crate::error::{Error, Result};

/// One input file, or a path that could not be listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the input root, `/`-separated.
    pub relative: String,
    /// How to read it, or why it is not read.
    pub kind: Kind,
    /// The path, where it is not the root joined with `relative`: the root itself when the
    /// input is one file, or a name that `relative` spells lossily (not UTF-8). A run keeps one
    /// entry per file, so the usual case keeps no second copy of the path.
    own_path: Option<Box<Path>>,
}

impl Entry {
    fn new(root: &Path, path: PathBuf, kind: Kind) -> Entry {
        let relative = relative(root, &path);
        let own_path = (root.join(&relative) != path).then(|| path.into_boxed_path());
        Entry { relative, kind, own_path }
    }

    /// The entry's path, given the root it was listed under.
    pub fn path(&self, root: &Path) -> Cow<'_, Path> {
        match &self.own_path {
            Some(path) => Cow::Borrowed(path),
            None => Cow::Owned(root.join(&self.relative)),
        }
    }
}

/// What to do with an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Read it in this format.
    Read(Format),
    /// It cannot be read: why.
    Unreadable(String),
    /// The same report as this PDF (relative path), which is read instead.
    DuplicateOf(String),
}

/// The format a file's extension promises, if it is one cnbudget reads.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "md" => Some(Format::Text),
        "json" => Some(Format::PageArray),
        "pdf" => Some(Format::Pdf),
        _ => None,
    }
}

/// Lists the input root. Only an unreadable root is an error; anything below it is an entry.
pub fn discover(root: &Path) -> Result<Vec<Entry>> {
    let meta = fs::metadata(root).map_err(|source| Error::Input { path: root.to_path_buf(), source })?;
    if meta.is_file() {
        let relative = root.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let kind =
            format_of(root).map_or_else(|| Kind::Unreadable("not a .txt, .md, .json or .pdf file".into()), Kind::Read);
        return Ok(vec![Entry { relative, kind, own_path: Some(root.into()) }]);
    }
    fs::read_dir(root).map_err(|source| Error::Input { path: root.to_path_buf(), source })?;
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    walk(root, root, &mut seen, &mut entries);
    entries.sort_by(|a, b| a.relative.cmp(&b.relative));
    entries.shrink_to_fit();
    mark_duplicates(root, &mut entries);
    Ok(entries)
}

/// A text extraction beside its PDF (`r.txt` and `r.pdf`) is the same report.
fn mark_duplicates(root: &Path, entries: &mut [Entry]) {
    let stem = |e: &Entry| e.path(root).with_extension("");
    let pdfs: std::collections::HashMap<PathBuf, String> =
        entries.iter().filter(|e| e.kind == Kind::Read(Format::Pdf)).map(|e| (stem(e), e.relative.clone())).collect();
    for e in entries.iter_mut() {
        if matches!(e.kind, Kind::Read(f) if f != Format::Pdf)
            && let Some(pdf) = pdfs.get(&stem(e))
        {
            e.kind = Kind::DuplicateOf(pdf.clone());
        }
    }
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
            out.push(Entry::new(root, dir.to_path_buf(), Kind::Unreadable(format!("cannot read folder: {e}"))));
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
                    out.push(Entry::new(root, path, Kind::Read(format)));
                }
            }
            Ok(_) => {}
            Err(e) if format_of(&path).is_some() || fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink()) => {
                out.push(Entry::new(root, path, Kind::Unreadable(format!("cannot open: {e}"))));
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
        for f in ["b/c/z.TXT", "a.md", "b/y.json", "notes.docx", ".hidden.txt", ".git/x.txt"] {
            fs::write(root.join(f), "x").unwrap();
        }
        let got: Vec<String> = discover(root).unwrap().into_iter().map(|e| e.relative).collect();
        assert_eq!(got, ["a.md", "b/c/z.TXT", "b/y.json"]);
    }

    #[test]
    fn a_text_beside_its_pdf_is_a_duplicate() {
        let tmp = tempfile::tempdir().unwrap();
        for f in ["r.pdf", "r.txt", "s.txt", "sub/r.txt"] {
            fs::create_dir_all(tmp.path().join(f).parent().unwrap()).unwrap();
            fs::write(tmp.path().join(f), "x").unwrap();
        }
        let kinds: Vec<(String, Kind)> =
            discover(tmp.path()).unwrap().into_iter().map(|e| (e.relative, e.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("r.pdf".into(), Kind::Read(Format::Pdf)),
                ("r.txt".into(), Kind::DuplicateOf("r.pdf".into())),
                ("s.txt".into(), Kind::Read(Format::Text)),
                ("sub/r.txt".into(), Kind::Read(Format::Text)),
            ]
        );
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
    fn each_entry_gives_back_its_path() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/b/r.txt"), "x").unwrap();
        let listed = discover(root).unwrap();
        assert_eq!(listed[0].path(root), root.join("a/b/r.txt"));
        assert_eq!(listed[0].own_path, None, "rebuilt from the root, not kept");
        // A file given as the input is its own root.
        let file = root.join("a/b/r.txt");
        let single = discover(&file).unwrap();
        assert_eq!((single[0].relative.as_str(), single[0].path(&file)), ("r.txt", Cow::Borrowed(file.as_path())));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_name_that_is_not_utf8_keeps_its_exact_path() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(std::ffi::OsStr::from_bytes(b"r\xFF.txt"));
        fs::write(&path, "x").unwrap();
        let listed = discover(tmp.path()).unwrap();
        assert_eq!(listed[0].relative, "r\u{FFFD}.txt");
        assert_eq!(listed[0].path(tmp.path()), path);
        assert_eq!(fs::read_to_string(listed[0].path(tmp.path())).unwrap(), "x");
    }

    #[test]
    fn a_missing_root_is_an_error() {
        assert!(matches!(discover(Path::new("/nonexistent/cnbudget")), Err(Error::Input { .. })));
    }
}
