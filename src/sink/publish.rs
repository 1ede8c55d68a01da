//! Publishing an output folder atomically, under a lock.
//!
//! Takes the output path; gives a [`Publisher`] that holds the output's lock, a fresh staging
//! folder beside the output to write into, and [`Publisher::publish`], which swaps the
//! staging folder in with one atomic `renameat2(RENAME_EXCHANGE)` (or, where the file system
//! cannot exchange, two renames that the next run repairs). A reader or a killed run never
//! sees half a dataset. Does not write any dataset itself.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file every published output holds; an existing folder without it is not replaced.
pub const RUN_FILE: &str = "run.json";

/// Holds the lock of one output folder until it is dropped.
#[derive(Debug)]
pub struct Publisher {
    output: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    _lock: File,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Output { path: path.to_path_buf(), source }
}

impl Publisher {
    /// Takes the lock, repairs what a killed run left behind, refuses to replace a folder
    /// that is not a cnbudget output, and creates an empty staging folder.
    pub fn prepare(output: &Path) -> Result<Publisher> {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let lock_path = sibling(output, "lock");
        let lock = File::create(&lock_path).map_err(io_err(&lock_path))?;
        if let Err(e) = lock.try_lock() {
            return Err(match e {
                fs::TryLockError::WouldBlock => Error::Locked { output: output.to_path_buf(), lock: lock_path },
                fs::TryLockError::Error(source) => Error::Output { path: lock_path, source },
            });
        }
        let publisher = Publisher {
            output: output.to_path_buf(),
            staging: sibling(output, "staging"),
            old: sibling(output, "old"),
            _lock: lock,
        };
        publisher.recover()?;
        publisher.check_replaceable()?;
        fs::create_dir(&publisher.staging).map_err(io_err(&publisher.staging))?;
        Ok(publisher)
    }

    /// The folder to write the new output into.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// A run killed between the two fallback renames left the output at `old`: put it back.
    /// Any staging folder is an unfinished run's and goes.
    fn recover(&self) -> Result<()> {
        if self.old.exists() {
            if self.output.exists() {
                fs::remove_dir_all(&self.old).map_err(io_err(&self.old))?;
            } else {
                fs::rename(&self.old, &self.output).map_err(io_err(&self.output))?;
            }
        }
        if self.staging.exists() {
            fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        }
        Ok(())
    }

    fn check_replaceable(&self) -> Result<()> {
        let Ok(mut entries) = fs::read_dir(&self.output) else {
            return match self.output.exists() {
                true => Err(Error::NotAnOutput { path: self.output.clone() }),
                false => Ok(()),
            };
        };
        let empty = entries.next().is_none();
        if empty || self.output.join(RUN_FILE).is_file() {
            Ok(())
        } else {
            Err(Error::NotAnOutput { path: self.output.clone() })
        }
    }

    /// Swaps the staging folder in and removes the previous output.
    pub fn publish(self) -> Result<()> {
        sync_dir(&self.staging);
        if !self.output.exists() {
            fs::rename(&self.staging, &self.output).map_err(io_err(&self.output))?;
        } else if exchange(&self.staging, &self.output).is_ok() {
            fs::remove_dir_all(&self.staging).map_err(io_err(&self.staging))?;
        } else {
            fs::rename(&self.output, &self.old).map_err(io_err(&self.old))?;
            fs::rename(&self.staging, &self.output).map_err(io_err(&self.output))?;
            fs::remove_dir_all(&self.old).map_err(io_err(&self.old))?;
        }
        if let Some(parent) = self.output.parent() {
            sync_dir(parent);
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Makes a folder's entries durable; best effort, as not every file system can.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_replaces_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let p = Publisher::prepare(&out).unwrap();
        fs::write(p.staging().join(RUN_FILE), "{}").unwrap();
        fs::write(p.staging().join("a"), "1").unwrap();
        p.publish().unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "1");

        let p = Publisher::prepare(&out).unwrap();
        fs::write(p.staging().join(RUN_FILE), "{}").unwrap();
        fs::write(p.staging().join("b"), "2").unwrap();
        p.publish().unwrap();
        assert!(!out.join("a").exists() && out.join("b").exists());
        assert!(!sibling(&out, "staging").exists() && !sibling(&out, "old").exists());

        let foreign = tmp.path().join("src");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("main.rs"), "").unwrap();
        assert!(matches!(Publisher::prepare(&foreign), Err(Error::NotAnOutput { .. })));
    }

    #[test]
    fn a_second_run_is_refused_while_the_first_holds_the_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let _first = Publisher::prepare(&out).unwrap();
        assert!(matches!(Publisher::prepare(&out), Err(Error::Locked { .. })));
    }

    #[test]
    fn leftovers_of_a_killed_run_are_repaired() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let old = sibling(&out, "old");
        fs::create_dir(&old).unwrap();
        fs::write(old.join(RUN_FILE), "{}").unwrap();
        fs::create_dir(sibling(&out, "staging")).unwrap();
        let p = Publisher::prepare(&out).unwrap();
        assert!(out.join(RUN_FILE).exists(), "the output is put back");
        assert!(fs::read_dir(p.staging()).unwrap().next().is_none(), "staging starts empty");
    }
}
