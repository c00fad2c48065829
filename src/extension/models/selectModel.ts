// "Llama Lens: Select Model": GGUF files in the models folder, "Browse…", and the recommended
// catalogue with sizes and whether each fits this machine. Every pick is inspected before it is
// loaded; one that cannot fit needs the user's confirmation.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { listModelFiles } from './modelFolder';
import type { ModelSession } from '../../client/ModelSession';
import { catalogueDownload, catalogueFit, MODEL_CATALOGUE, type CatalogueEntry } from '../../core/models/catalogue';
import { formatBytes } from '../../core/text/formatBytes';
import type { LoadParams, MachineInfo } from '../../protocol/engineProtocol';
import { setModelPath } from '../config';
import { downloadWithProgress } from './downloadWithProgress';
import { factsLine } from './modelFacts';
import type { OversizeApprovals } from './oversizeApprovals';
import { errorMessage } from '../../core/text/errorMessage';

export interface SelectModelDeps {
  session: ModelSession;
  log: vscode.LogOutputChannel;
  approvals: OversizeApprovals;
  modelsFolder: () => string;
  /** The engine settings a pick would load with (GPU, layers, context). */
  loadSettings: () => Pick<LoadParams, 'gpu' | 'gpuLayers' | 'contextSize'>;
}

type Choice = vscode.QuickPickItem &
  (
    | { kind?: undefined; action: 'file'; path: string }
    | { action: 'browse' }
    | { action: 'download'; entry: CatalogueEntry }
    | { kind: vscode.QuickPickItemKind.Separator; action: 'none' }
  );

export async function selectModel(deps: SelectModelDeps): Promise<void> {
  const folder = deps.modelsFolder();
  const picker = vscode.window.createQuickPick<Choice>();
  picker.title = 'Llama Lens: Select Model';
  picker.placeholder = `GGUF models in ${folder}, or a recommended download`;
  picker.matchOnDescription = true;
  picker.busy = true;
  picker.show();
  const files = await listModelFiles(folder);
  const current = deps.session.state.kind === 'ready' ? deps.session.state.info.filePath : undefined;
  const fileItems: Choice[] = files.map((file) => ({
    action: 'file',
    path: file.path,
    label: `$(file) ${file.name}`,
    description: `${formatBytes(file.sizeBytes)}${file.path === current ? ' · loaded' : ''}`,
    // A detail line from the start: rows that grew when their facts arrived would move under the user's click.
    detail: '$(loading~spin) reading the header…',
  }));
  const machine = await deps.session.direct('machine', { gpu: deps.loadSettings().gpu }).catch(() => undefined);
  const missing = MODEL_CATALOGUE.filter((entry) => !files.some((file) => isDownloadOf(file.name, entry)));
  picker.items = [
    separator('On this machine'),
    ...fileItems,
    { action: 'browse', label: '$(folder-opened) Browse…', description: 'a GGUF file anywhere' },
    separator('Recommended downloads (Hugging Face)'),
    ...missing.map((entry) => catalogueItem(entry, machine)),
  ];
  picker.busy = false;
  void describeFiles(deps, picker, fileItems);
  const picked = await new Promise<Choice | undefined>((resolve) => {
    picker.onDidAccept(() => resolve(picker.selectedItems[0]));
    picker.onDidHide(() => resolve(undefined));
  });
  picker.dispose();
  if (!picked) return;
  const path = await pathOf(deps, picked, folder);
  if (path) await useModel(deps, path);
}

/** node-llama-cpp names an hf: download `hf_<user>_<repo>_<file>`; a file copied in by hand keeps its own name. */
function isDownloadOf(fileName: string, entry: CatalogueEntry): boolean {
  return fileName === entry.fileName || fileName.endsWith(`_${entry.fileName}`);
}

function separator(label: string): Choice {
  return { kind: vscode.QuickPickItemKind.Separator, action: 'none', label };
}

function catalogueItem(entry: CatalogueEntry, machine: MachineInfo | undefined): Choice {
  const fit = machine ? catalogueFit(entry, machine) : undefined;
  const purpose = entry.purpose === 'completion' ? 'completion' : entry.purpose === 'prompts' ? 'prompts' : 'small machines';
  return {
    action: 'download',
    entry,
    label: `$(cloud-download) ${entry.label}`,
    description: `${entry.quantisation} · ${formatBytes(entry.sizeBytes)} · ${purpose}`,
    detail: `${fit ? (fit.fits ? '$(check) ' : '$(warning) ') : ''}${entry.description}${fit ? ` ${fit.note}` : ''}`,
  };
}

/** Fills in each file's facts as the engine reads them, without holding up the picker. */
async function describeFiles(deps: SelectModelDeps, picker: vscode.QuickPick<Choice>, items: Choice[]): Promise<void> {
  for (const item of items) {
    if (item.action !== 'file') continue;
    try {
      const facts = await deps.session.direct('inspect', { modelPath: item.path, ...deps.loadSettings() });
      item.detail = `${facts.fits ? '' : '$(warning) '}${factsLine(facts)}`;
    } catch (error) {
      item.detail = `$(error) ${errorMessage(error)}`;
    }
    // New items move the highlight back to the top: keep the user's place.
    const active = picker.activeItems;
    picker.items = [...picker.items];
    picker.activeItems = active;
  }
}

async function pathOf(deps: SelectModelDeps, picked: Choice, folder: string): Promise<string | undefined> {
  switch (picked.action) {
    case 'file':
      return picked.path;
    case 'browse': {
      const uris = await vscode.window.showOpenDialog({
        title: 'Select a GGUF model file',
        canSelectMany: false,
        filters: { 'GGUF models': ['gguf'] },
      });
      return uris?.[0]?.fsPath;
    }
    case 'download': {
      const { entry } = picked;
      const confirm = await vscode.window.showInformationMessage(
        `Download ${entry.label} (${entry.quantisation}, ${formatBytes(entry.sizeBytes)}) from Hugging Face into ${folder}?`,
        { modal: true },
        'Download',
      );
      if (confirm !== 'Download') return undefined;
      return downloadWithProgress(deps.session, deps.log, entry.label, { ...catalogueDownload(entry), dirPath: folder });
    }
    default:
      return undefined;
  }
}

/** Inspects the file, asks before loading one that cannot fit, then makes it the model (user settings). */
async function useModel(deps: SelectModelDeps, path: string): Promise<void> {
  let facts;
  try {
    facts = await deps.session.direct('inspect', { modelPath: path, ...deps.loadSettings() });
  } catch (error) {
    const message = errorMessage(error);
    deps.log.error(`Cannot use ${path}: ${message}`);
    void vscode.window.showErrorMessage(`Llama Lens: ${message}`);
    return;
  }
  deps.log.info(`Selected ${path}: ${factsLine(facts)}. ${facts.fitNote}`);
  if (
    !facts.fits &&
    !deps.approvals.allows(path) &&
    !(await deps.approvals.ask(path, `${basename(path)} may not fit this machine. ${facts.fitNote}`))
  ) {
    return;
  }
  await setModelPath(path);
}
