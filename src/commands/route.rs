//! `seisei route URL`: the request (or connection) explained on the compiled platform, even
//! while `validate` reports routing errors; and `seisei routes`, the table. Either shows one
//! target's Traefik with `--target`. Input: the arguments; output: the answer and the exit
//! code.

use seisei::{Compiled, EXIT_ERROR, EXIT_OK, EXIT_STALE, diagnostics, explain, model};

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
    super::huge_pages::allow_for(&path);
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
    let mut model = model;
    if let Some(target) = &args.target
        && let Err(message) = model::swarm::show_target(&mut model, target == "swarm")
    {
        eprintln!("seisei: {message}");
        return EXIT_ERROR;
    }
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

/// `seisei routes`: the routing table; with `--target`, that target's Traefik's, under a line
/// that says which providers read what.
pub(super) fn routes(compiled: &Compiled, args: &crate::cli::RoutesArgs) -> u8 {
    let json = args.format == "json";
    let Some(target) = &args.target else {
        print!("{}", explain::routes(&compiled.model, &args.sort, json));
        return EXIT_OK;
    };
    let mut model = compiled.model.clone();
    if let Err(message) = model::swarm::show_target(&mut model, target == "swarm") {
        eprintln!("seisei: {message}");
        return EXIT_ERROR;
    }
    if !json {
        println!("{}", target_line(&model));
    }
    print!("{}", explain::routes(&model, &args.sort, json));
    EXIT_OK
}

/// Whose Traefik a table is, and which provider reads what.
fn target_line(model: &model::Model) -> String {
    if model.swarm.label_provider() == "swarm" {
        format!(
            "Swarm target (stack.yml, {}): labels under `deploy.labels` read by the Swarm provider (`@swarm`), dynamic files by the file provider (`@file`)",
            seisei::render::swarm::STATIC_FILE
        )
    } else {
        "Compose target (docker-compose.yml, traefik.yml): container labels read by the Docker provider (`@docker`), dynamic files by the file provider (`@file`)".to_owned()
    }
}
