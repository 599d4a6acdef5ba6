//! wasi:cli — environment, exit, stdin/stdout/stderr, terminal-*.

use super::io::{Input, Output};
use super::{Preview2, Resource, Result};

impl Preview2 {
    /// `get-environment`: `KEY=VALUE` strings split at the first `=`.
    pub fn get_environment(&self) -> Vec<(String, String)> {
        self.ctx
            .env
            .iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.clone(), String::new()),
            })
            .collect()
    }

    pub fn get_arguments(&self) -> Vec<String> {
        self.ctx.args.clone()
    }

    /// `initial-cwd`: the configured one, if any.
    pub fn initial_cwd(&self) -> Option<String> {
        self.cwd.clone()
    }

    /// `exit`: records the code (0 for `ok`, 1 for `err`, or the code of
    /// `exit-with-code`) and flushes; the JS side unwinds the guest.
    pub fn exit(&mut self, code: u32) {
        self.flush();
        self.ctx.exit_code = Some(code);
    }

    pub fn get_stdin(&mut self) -> Result<u32> {
        self.push(Resource::Input(Input::Stdin), None)
    }

    pub fn get_stdout(&mut self) -> Result<u32> {
        self.push(Resource::Output(Output::Stdout), None)
    }

    pub fn get_stderr(&mut self) -> Result<u32> {
        self.push(Resource::Output(Output::Stderr), None)
    }

    /// `get-terminal-stdin/stdout/stderr` (`which` 0, 1, 2): a terminal
    /// resource when that stream is a TTY, else `None`.
    pub fn get_terminal(&mut self, which: usize) -> Result<Option<u32>> {
        if !self.ctx.stdio.tty.get(which).copied().unwrap_or(false) {
            return Ok(None);
        }
        let r = if which == 0 {
            Resource::TerminalInput
        } else {
            Resource::TerminalOutput
        };
        self.push(r, None).map(Some)
    }
}
