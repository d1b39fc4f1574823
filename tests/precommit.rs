//! The pre-commit hooks in `.pre-commit-hooks.yaml`, run by the real `pre-commit` (from
//! `.venv`) exactly as a user's project would: the current source tree (uncommitted changes
//! included) is committed into a hook repository, a second repository's
//! `.pre-commit-config.yaml` points at it by path and sha, and `pre-commit run` installs the
//! hooks with `cargo install --path .` and runs them on staged models.
//!
//! The build is cached under `target/precommit/` (`CARGO_TARGET_DIR` and `PRE_COMMIT_HOME`), and
//! the hook repository's commit has fixed dates, so an unchanged source tree has the same sha
//! and pre-commit reuses its installed hook. The first run compiles HDF5 from source (minutes).

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn cache_dir() -> PathBuf {
    root().join("target/precommit")
}

/// `git` with a fixed identity and dates and no user or system configuration.
fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "kerasfix tests")
        .env("GIT_AUTHOR_EMAIL", "tests@kerasfix.invalid")
        .env("GIT_COMMITTER_NAME", "kerasfix tests")
        .env("GIT_COMMITTER_EMAIL", "tests@kerasfix.invalid")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} in {}: {}{}", dir.display(), stdout(&out), stderr(&out));
    out
}

/// Commits the working tree of this checkout (tracked and untracked-but-not-ignored files, as
/// they are now) into a fresh repository under target/precommit/; returns its path and sha.
fn hook_repository() -> (PathBuf, String) {
    let repo = cache_dir().join("hook-repo");
    if repo.exists() {
        std::fs::remove_dir_all(&repo).expect("remove old hook repo");
    }
    std::fs::create_dir_all(&repo).expect("mkdir hook repo");
    let listed = git(&root(), &["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
    let mut copied = 0;
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        use std::os::unix::ffi::OsStrExt;
        let rel = Path::new(OsStr::from_bytes(name));
        let src = root().join(rel);
        // Deleted in the working tree (tracked but gone) or not a regular file: not part of it.
        let Ok(meta) = std::fs::symlink_metadata(&src) else { continue };
        if !meta.is_file() {
            continue;
        }
        let dest = repo.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&src, &dest).expect("copy source file");
        copied += 1;
    }
    for needed in [".pre-commit-hooks.yaml", "Cargo.toml", "Cargo.lock", "src/main.rs"] {
        assert!(repo.join(needed).is_file(), "{needed} missing from the hook repository ({copied} files)");
    }
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "kerasfix source under test"]);
    let sha = stdout(&git(&repo, &["rev-parse", "HEAD"])).trim().to_owned();
    (repo, sha)
}

/// Runs the real pre-commit in `project` with the build caches under target/precommit/.
fn pre_commit(project: &Path, args: &[&str]) -> Output {
    let venv_bin = root().join(".venv/bin");
    let exe = venv_bin.join("pre-commit");
    assert!(exe.is_file(), "{} is missing: run scripts/setup --test", exe.display());
    let mut path = std::ffi::OsString::from(&venv_bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    Command::new(exe)
        .args(args)
        .arg("--color=never")
        .current_dir(project)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache_dir().join("pre-commit-home"))
        // A target directory of its own, kept across runs under target/precommit/: sharing the
        // project's let `cargo install` of the hook's copy of the sources replace
        // target/release/kerasfix with a build that was not always of the current code (seen in
        // CI: a stale binary, which the suites running after this one then tested).
        .env("CARGO_TARGET_DIR", cache_dir().join("cargo-target"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // The jobserver of the outer `cargo test` is not for the hook's `cargo install`.
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .output()
        .expect("run pre-commit")
}

fn damage(mode: &str, src: &Path, dst: &Path) {
    let out = py(
        &root().join("scripts/damage.py"),
        &[OsStr::new("--mode"), OsStr::new(mode), src.as_os_str(), dst.as_os_str()],
    );
    assert!(out.status.success(), "damage.py: {}{}", stdout(&out), stderr(&out));
    assert!(!stdout(&out).starts_with("changed 0 "), "nothing damaged: {}", stdout(&out));
}

fn raw_part(model: &Path, part: &str) -> Vec<u8> {
    let out = kerasfix([
        OsStr::new("show"),
        OsStr::new("--raw"),
        OsStr::new("--part"),
        OsStr::new(part),
        model.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "show --raw --part {part} {}: {}", model.display(), stderr(&out));
    out.stdout
}

fn report(out: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}--- stderr\n{}", out.status.code(), stdout(out), stderr(out))
}

#[test]
fn pre_commit_hooks_check_and_fix_staged_models() {
    let started = Instant::now();
    std::fs::create_dir_all(cache_dir()).expect("mkdir target/precommit");
    let (hook_repo, sha) = hook_repository();

    // The user's project: a damaged legacy HDF5 model, a damaged unzipped archive, a clean model.
    let project = tempfile::tempdir().expect("tempdir");
    let project = project.path();
    git(project, &["init", "-q", "-b", "main"]);
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: kerasfix-check\n      - id: kerasfix-fix\n",
            hook_repo.display()
        ),
    )
    .expect("write config");
    let models = project.join("models");
    std::fs::create_dir(&models).expect("mkdir");
    let h5_original = testdata().join("keras3/dense_seq.h5");
    let dir_original = testdata().join("keras3/embedding_lstm.unzipped");
    let clean_original = testdata().join("keras2/conv.keras");
    damage("floats", &h5_original, &models.join("dense.h5"));
    damage("strings", &dir_original, &models.join("lstm.unzipped"));
    std::fs::copy(&clean_original, models.join("clean.keras")).expect("copy");
    git(project, &["add", "-A"]);

    let damaged = ["models/dense.h5", "models/lstm.unzipped/config.json"];
    let run = |hook: &str, files: &[&str]| {
        let mut args = vec!["run", hook, "--files"];
        args.extend_from_slice(files);
        pre_commit(project, &args)
    };

    // kerasfix-check fails on the damaged models and names each finding. (The first run
    // installs the hook: clone, cargo install.)
    let out = run("kerasfix-check", &damaged);
    let installed = started.elapsed();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "check must fail:\n{}", report(&out));
    assert!(text.contains("kerasfix check") && text.contains("Failed"), "{}", report(&out));
    assert!(
        text.contains("models/dense.h5:model_config:/config/layers/0/config/batch_shape/1: INT001"),
        "the finding in dense.h5 is named:\n{}",
        report(&out)
    );
    assert!(
        text.contains("models/lstm.unzipped:config.json:") && text.contains("INT002"),
        "{}",
        report(&out)
    );
    assert!(text.contains("Found "), "{}", report(&out));

    // The clean model passes.
    let out = run("kerasfix-check", &["models/clean.keras"]);
    assert_eq!(out.status.code(), Some(0), "clean model must pass:\n{}", report(&out));
    assert!(stdout(&out).contains("Passed"), "{}", report(&out));
    let out = run("kerasfix-fix", &["models/clean.keras"]);
    assert_eq!(out.status.code(), Some(0), "nothing to fix:\n{}", report(&out));
    assert_eq!(
        std::fs::read(models.join("clean.keras")).expect("read"),
        std::fs::read(&clean_original).expect("read")
    );

    // A vocabulary asset edited on its own: the hooks' file pattern takes it, and it stands
    // for its unzipped archive.
    let vocab_original = testdata().join("keras3/vocab_assets.unzipped");
    let vocab = copy_model(&vocab_original, &models);
    let asset = "assets/layers/integer_lookup/vocabulary.txt";
    let text = std::fs::read_to_string(vocab.join(asset)).expect("read asset");
    let damaged_text = text.replacen("\n10\n", "\n10.0\n", 1);
    assert_ne!(damaged_text, text, "the asset holds a line `10`: {text:?}");
    std::fs::write(vocab.join(asset), damaged_text).expect("damage asset");
    git(project, &["add", "-A"]);
    let vocab_file = format!("models/vocab_assets.unzipped/{asset}");
    let out = run("kerasfix-check", &[&vocab_file]);
    assert_eq!(out.status.code(), Some(1), "check must fail on the asset:\n{}", report(&out));
    assert!(
        stdout(&out).contains(&format!("models/vocab_assets.unzipped:{asset}:line 2: INT007")),
        "{}",
        report(&out)
    );
    let out = run("kerasfix-fix", &[&vocab_file]);
    assert_eq!(out.status.code(), Some(1), "pre-commit reports the modification:\n{}", report(&out));
    assert_eq!(std::fs::read(vocab.join(asset)).expect("read"), text.as_bytes(), "{asset} restored");

    // kerasfix-fix repairs them in place; pre-commit fails the run because files changed.
    let out = run("kerasfix-fix", &damaged);
    assert_eq!(out.status.code(), Some(1), "pre-commit reports the modification:\n{}", report(&out));
    assert!(stdout(&out).contains("files were modified by this hook"), "{}", report(&out));
    assert!(stdout(&out).contains("fixed "), "{}", report(&out));
    assert!(
        raw_part(&models.join("dense.h5"), "config") == raw_part(&h5_original, "config"),
        "dense.h5 config"
    );
    assert!(
        raw_part(&models.join("dense.h5"), "training") == raw_part(&h5_original, "training"),
        "dense.h5 training config"
    );
    assert_eq!(
        std::fs::read(models.join("lstm.unzipped/config.json")).expect("read"),
        std::fs::read(dir_original.join("config.json")).expect("read"),
        "lstm.unzipped/config.json"
    );

    // Fixed: both hooks pass on everything staged, the weights file inside the archive included.
    git(project, &["add", "-A"]);
    let out = pre_commit(project, &["run", "--all-files"]);
    assert_eq!(out.status.code(), Some(0), "all hooks pass after the fix:\n{}", report(&out));
    assert_eq!(stdout(&out).matches("Passed").count(), 2, "{}", report(&out));

    // Each new source tree is a new sha and a new hook clone under PRE_COMMIT_HOME; drop the
    // ones no longer used so repeated runs do not pile them up (the cargo cache stays).
    let out = pre_commit(project, &["gc"]);
    assert_eq!(out.status.code(), Some(0), "pre-commit gc:\n{}", report(&out));

    eprintln!(
        "pre-commit: hook installed and first run in {:.1?}, whole test {:.1?} (sha {sha})",
        installed,
        started.elapsed()
    );
}
