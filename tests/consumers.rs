//! The output as its users read it: DuckDB, polars and pyarrow from Python
//! (tests/python/consumers.py). Those packages are installed by the README's test set-up;
//! without them this test fails and says how to install them.

use std::process::Command;

use crate::util::{corpus_output, root};

#[test]
fn duckdb_polars_and_pyarrow_read_the_output() {
    let script = root().join("tests/python/consumers.py");
    let out = Command::new("python3").arg(&script).arg(corpus_output()).output().expect(
        "python3 is needed for this test: install Python 3, then `pip install -r tests/python/requirements.txt`",
    );
    assert!(
        out.status.success(),
        "{} failed:\n--- stdout\n{}\n--- stderr\n{}\n(missing packages? `pip install -r tests/python/requirements.txt`)",
        script.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
