//! `seisei route URL`: the request (or connection) explained on the compiled platform, even
//! while `validate` reports routing errors. Input: the route arguments; output: the answer and
//! the exit code.

use seisei::{EXIT_ERROR, EXIT_OK, EXIT_STALE, diagnostics, explain};

use super::{Terminal, spec_path};

/// `seisei route`: answers on a model with routing errors too (a tie is when the question
/// matters most), but not on a spec that does not build.
pub(super) fn route(term: Terminal, args: &crate::cli::RouteArgs) -> u8 {
    let mut headers = Vec::new();
    for header in &args.headers {
        let Some((name, value)) = header.split_once(':') else {
            eprintln!("seisei: header `{header}` is not `Name:value`");
            return EXIT_ERROR;
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let path = spec_path(&args.spec);
    let model = match seisei::compile_for_routing(&path) {
        Ok((model, problems, text)) => {
            term.diagnostics(Some(&path), Some(&text), &problems);
            if diagnostics::has_errors(&problems) {
                eprintln!("seisei: answering anyway: the errors above are about routing");
            }
            model
        }
        Err((text, problems)) => {
            term.diagnostics(Some(&path), text.as_deref(), &problems);
            return EXIT_ERROR;
        }
    };
    let query = explain::RouteQuery {
        url: args.url.clone(),
        method: args.method.clone(),
        headers,
        client_ip: args.client_ip,
    };
    match explain::route(&model, &query, args.format == "json") {
        Ok((text, answered)) => {
            print!("{text}");
            if answered { EXIT_OK } else { EXIT_STALE }
        }
        Err(message) => {
            eprintln!("seisei: {message}");
            EXIT_ERROR
        }
    }
}
