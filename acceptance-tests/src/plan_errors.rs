//! Tables of invalid configurations that must fail at `terraform plan`: each case gets
//! its own working directory (cases run four at a time) and passes when the plan
//! fails with the expected text, Terraform quotes a source line holding the expected
//! attribute (so the diagnostic carried the attribute's path), no secret appears in
//! the output, and nothing was written to disk (no state file).

use crate::Terraform;

/// One invalid configuration.
pub struct PlanErrorCase {
    pub name: &'static str,
    /// HCL appended to the shared prelude.
    pub body: String,
    /// Part of the diagnostic's text (compared with whitespace collapsed: Terraform
    /// wraps long messages).
    pub message: &'static str,
    /// Part of the source line Terraform quotes for the diagnostic's attribute path.
    pub line: &'static str,
}

impl PlanErrorCase {
    pub fn new(
        name: &'static str,
        body: String,
        message: &'static str,
        line: &'static str,
    ) -> Self {
        PlanErrorCase {
            name,
            body,
            message,
            line,
        }
    }
}

/// What every case of a table shares.
pub struct PlanErrorSetup<'a> {
    /// HCL before each case's body (required providers, variables, provider block).
    pub prelude: String,
    /// Files written beside `main.tf` in every case directory.
    pub files: Vec<(&'a str, String)>,
    /// Environment for terraform (and so the provider).
    pub env: Vec<(&'a str, String)>,
    /// Texts that must never appear in the output (seeds, creds).
    pub secrets: Vec<String>,
}

fn check(setup: &PlanErrorSetup<'_>, case: &PlanErrorCase) -> Option<String> {
    let mut tf = match Terraform::new() {
        Ok(tf) => tf,
        Err(e) => return Some(e.to_string()),
    };
    for (key, value) in &setup.env {
        tf = tf.with_env(key, value);
    }
    for (name, text) in &setup.files {
        if let Err(e) = tf.write_file(name, text) {
            return Some(e.to_string());
        }
    }
    if let Err(e) = tf.write_file("main.tf", &format!("{}{}", setup.prelude, case.body)) {
        return Some(e.to_string());
    }
    let stderr = match tf.expect_plan_error() {
        Ok(stderr) => stderr,
        Err(error) => return Some(error.to_string()),
    };
    let flowing = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    let problem = if !flowing.contains(case.message) {
        format!("message {:?} missing", case.message)
    } else if !stderr
        .lines()
        .any(|l| l.contains(':') && l.contains(case.line))
    {
        format!("no quoted source line with {:?}", case.line)
    } else if setup.secrets.iter().any(|s| stderr.contains(s.as_str())) {
        "a secret appears in the output".to_owned()
    } else if tf.dir().join("terraform.tfstate").exists() {
        "the failed plan wrote a state file".to_owned()
    } else {
        return None;
    };
    Some(format!("{problem}\n{stderr}"))
}

/// Runs every case; panics listing each case that did not fail as it should.
pub fn assert_plan_errors(setup: &PlanErrorSetup<'_>, cases: &[PlanErrorCase]) {
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = cases
            .chunks(cases.len().div_ceil(4).max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|case| {
                            check(setup, case).map(|p| format!("{}: {p}", case.name))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".into()])
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}
