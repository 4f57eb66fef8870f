#!/usr/bin/env node
// Mermaid checker for seisei's tests (tests/integration/mermaid.rs): reads diagrams from files
// (or one from stdin), parses each with the real `mermaid` package and, when asked for --svg or
// --png, renders it in the system Chromium. Prints `ok: FILE (TYPE)` for each valid diagram.
//
//   node check.mjs [FILE...|-] [--svg OUT.svg] [--png OUT.png]
//
// Exit codes, kept apart so a test can tell "a diagram is broken" from "the tool is broken":
//   0  every diagram parsed (and rendered, if asked)
//   1  mermaid rejected at least one diagram; `error: FILE: ...` and its message are on stderr
//   2  usage or setup error (missing node_modules, a crash, a render that never finished)
//   3  rendering was asked for but no Chromium was found (set CHROMIUM to its path)
//
// Parsing runs under Node: mermaid.parse() needs no layout, only a `window` for DOMPurify,
// which happy-dom provides. Loading both takes seconds, so one run checks many files.
// Rendering needs a browser's layout engine, so it loads mermaid's own browser bundle into
// headless Chromium (--dump-dom, then --screenshot). This avoids puppeteer, whose install step
// downloads a browser that cannot be fetched here.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const EXIT_INVALID = 1;
const EXIT_SETUP = 2;
const EXIT_NO_RENDERER = 3;

/** Failures of the tool itself, as opposed to a diagram mermaid rejected. */
class SetupError extends Error {}
/** A diagram mermaid rejected. */
class InvalidDiagram extends Error {}
/** Rendering was asked for, but there is no browser to render in. */
class NoRenderer extends Error {}

try {
  const options = parseArgs(process.argv.slice(2));
  const mermaid = await loadMermaid();
  try {
    for (const input of options.inputs) {
      const name = input === '-' ? '<stdin>' : input;
      try {
        const text = read(input, name);
        const type = await parse(mermaid, text);
        if (options.svg || options.png) render(text, options);
        console.log(`ok: ${name} (${type})`);
      } catch (error) {
        if (!(error instanceof InvalidDiagram)) throw error;
        console.error(`error: ${name}: mermaid rejected the diagram:\n${error.message}`);
        process.exitCode = EXIT_INVALID;
      }
    }
  } finally {
    await globalThis.window.happyDOM.close();
  }
} catch (error) {
  if (error instanceof NoRenderer) {
    console.error(`error: ${error.message}`);
    process.exitCode = EXIT_NO_RENDERER;
  } else {
    console.error(`error: ${error instanceof SetupError ? error.message : error?.stack ?? error}`);
    process.exitCode = EXIT_SETUP;
  }
}

function parseArgs(args) {
  const options = { inputs: [], svg: null, png: null };
  const usage = 'usage: node check.mjs [FILE...|-] [--svg OUT.svg] [--png OUT.png]';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--svg' || arg === '--png') {
      if (i + 1 >= args.length) throw new SetupError(`${arg} needs a path\n${usage}`);
      options[arg.slice(2)] = args[++i];
    } else if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    } else if (arg.startsWith('--')) {
      throw new SetupError(`unknown option ${arg}\n${usage}`);
    } else {
      options.inputs.push(arg);
    }
  }
  if (options.inputs.length === 0) options.inputs.push('-');
  if ((options.svg || options.png) && options.inputs.length > 1) {
    throw new SetupError(`--svg and --png take one diagram, not ${options.inputs.length}\n${usage}`);
  }
  return options;
}

function read(input, name) {
  try {
    return readFileSync(input === '-' ? 0 : input, 'utf8');
  } catch (error) {
    throw new SetupError(`cannot read ${name}: ${error.message}`);
  }
}

/** Loads mermaid under Node, with the DOM shim it needs. */
async function loadMermaid() {
  try {
    // DOMPurify, which mermaid sanitizes labels with, looks for `window` when it is first
    // imported, so the shim must be in place before mermaid is loaded.
    const { Window } = await import('happy-dom');
    globalThis.window = new Window();
    const mermaid = (await import('mermaid')).default;
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  } catch (error) {
    throw new SetupError(
      `cannot load mermaid (${error.message}); run \`npm ci --prefix tests/mermaid\``,
    );
  }
}

/** Parses one diagram; returns its type (`flowchart-v2`). */
async function parse(mermaid, text) {
  try {
    const result = await mermaid.parse(text);
    return result.diagramType;
  } catch (error) {
    throw new InvalidDiagram(error?.message ?? String(error));
  }
}

/** Renders in headless Chromium: first the SVG (read back from the DOM), then the PNG. */
function render(text, options) {
  const chromium = process.env.CHROMIUM || 'chromium';
  const probe = spawnSync(chromium, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new NoRenderer(
      `rendering needs Chromium, and \`${chromium}\` did not run; install Debian's \`chromium\` or set CHROMIUM`,
    );
  }
  const bundle = fileURLToPath(new URL('./node_modules/mermaid/dist/mermaid.min.js', import.meta.url));
  const work = mkdtempSync(join(tmpdir(), 'seisei-mermaid-'));
  try {
    const page = join(work, 'render.html');
    writeFileSync(page, renderPage(text, pathToFileURL(bundle).href));
    const dom = runChromium(chromium, work, ['--virtual-time-budget=30000', '--dump-dom', pathToFileURL(page).href]);
    const match = dom.match(/<script type="application\/json" id="result">([\s\S]*?)<\/script>/);
    if (!match) throw new SetupError('Chromium did not finish rendering the diagram');
    const result = JSON.parse(match[1]);
    if (result.error) throw new InvalidDiagram(result.error);
    if (options.svg) writeFileSync(options.svg, result.svg);
    if (options.png) {
      // The window is sized to the diagram, so the screenshot is the whole picture and nothing else.
      const margin = 16;
      const snapshot = join(work, 'snapshot.html');
      writeFileSync(
        snapshot,
        `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}` +
          `body{padding:${margin}px}svg{width:${result.width}px;max-width:none!important}</style></head>` +
          `<body>${result.svg}</body></html>`,
      );
      const width = Math.ceil(result.width) + 2 * margin;
      const height = Math.ceil(result.height) + 2 * margin;
      runChromium(chromium, work, [
        `--window-size=${width},${height}`,
        '--force-device-scale-factor=2',
        '--hide-scrollbars',
        `--screenshot=${options.png}`,
        pathToFileURL(snapshot).href,
      ]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The page Chromium loads: renders the diagram and leaves the outcome in a JSON script tag. */
function renderPage(text, bundleUrl) {
  // `<` is escaped so no diagram text can close the script element it is embedded in.
  const json = (value) => JSON.stringify(value).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"></head><body>
<div id="diagram"></div>
<script src="${bundleUrl}"></script>
<script>
const done = (outcome) => {
  const tag = document.createElement('script');
  tag.type = 'application/json';
  tag.id = 'result';
  tag.textContent = JSON.stringify(outcome).replace(/</g, '\\\\u003c');
  document.body.appendChild(tag);
};
mermaid.initialize({ startOnLoad: false });
mermaid.render('topology', ${json(text)}).then(({ svg }) => {
  const host = document.getElementById('diagram');
  host.innerHTML = svg;
  const element = host.querySelector('svg');
  const box = element.viewBox.baseVal;
  // XMLSerializer, not innerHTML: HTML serialization writes <br> in labels, which is not XML.
  done({ svg: new XMLSerializer().serializeToString(element), width: box.width, height: box.height });
}, (error) => done({ error: String((error && error.message) || error) }));
</script>
</body></html>
`;
}

function runChromium(chromium, work, args) {
  const run = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Local files only: the page loads mermaid's bundle from node_modules.
      '--allow-file-access-from-files',
      `--user-data-dir=${mkdtempSync(join(work, 'profile-'))}`,
      ...args,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  if (run.error || run.status !== 0) {
    throw new SetupError(`Chromium failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
  }
  return run.stdout;
}
