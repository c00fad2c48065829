// The device calls that carry the kit: which parts each call names in `carry`, what it weighs with the working tree,
// and the shell command it runs. Pure, so that the limits (64 MiB a call, 8 carried paths, 2,000-character
// commands) are checked here before any device time is spent.
import { CALL_LIMIT_BYTES, DEVICE_KIT_DIR, DEVICE_SCRIPT, mib, PARTS_FOLDER, SUMS_FILE, TREE_GROWTH_BYTES } from './kitLayout';
import type { KitPart } from './splitParts';

export interface DeviceCall {
  /** "call 1", "ext 1"… as the printed plan names it. */
  label: string;
  purpose: string;
  /** Made only when the probe in call 1 says the machine lacks CUDA 13's libraries. */
  onlyWithoutCuda13: boolean;
  /** Repository-relative paths for the call's `carry`. */
  carry: string[];
  /** The working tree and the carried files: what the call sends. */
  bytes: number;
  command: string;
  timeoutS: number;
}

export interface PlanInput {
  core: readonly KitPart[];
  ext: readonly KitPart[];
  /** The working tree that travels with every call (tracked and untracked-not-ignored files). */
  treeBytes: number;
  sumsBytes: number;
  /** What the last call passes to the check (e.g. --gpu cuda). */
  runnerArgs: readonly string[];
}

/** The device tool's own limits on one call. */
export const MAX_CARRIED_PATHS = 8;
export const MAX_COMMAND_CHARS = 2000;
const RECEIVE_TIMEOUT_S = 120;
const FINISH_TIMEOUT_S = 600;

/** Bytes a call has for parts once the tree, the sums file and some room for the tree to grow are counted. */
export function roomForParts(treeBytes: number, sumsBytes: number): number {
  return CALL_LIMIT_BYTES - treeBytes - sumsBytes - TREE_GROWTH_BYTES;
}

export function planCalls(input: PlanInput): DeviceCall[] {
  const room = roomForParts(input.treeBytes, input.sumsBytes);
  for (const arg of input.runnerArgs) {
    if (!/^[A-Za-z0-9_.,=:/-]+$/.test(arg)) {
      throw new Error(`The check's argument ${JSON.stringify(arg)} would need shell quoting; use plain words.`);
    }
  }
  const core = groupParts(input.core, room, input.treeBytes);
  const ext = groupParts(input.ext, room, input.treeBytes);
  if (core.length === 0) throw new Error('The kit has no core parts.');
  const last = core.at(-1) as KitPart[];
  const first = core.length > 1 ? (core[0] as KitPart[]) : [];
  const middle = core.slice(1, -1);
  const run = (...steps: string[]) => steps.map((step) => `sh ${DEVICE_SCRIPT} ${step}`).join(' && ');
  const receive = (parts: readonly KitPart[]) => `receive ${parts.map((part) => part.name).join(' ')}`;
  const calls: DeviceCall[] = [];
  const add = (label: string, purpose: string, parts: readonly KitPart[], command: string, timeoutS: number, onlyWithoutCuda13 = false) =>
    calls.push(
      checkedCall({ label, purpose, onlyWithoutCuda13, carry: carryOf(parts), bytes: callBytes(parts, input), command, timeoutS }),
    );
  const coreLabel = (parts: readonly KitPart[]) => `core ${parts.map((part) => part.name).join(', ')} of ${input.core.length}`;

  add('call 1', first.length > 0 ? `probe the machine, ${coreLabel(first)}` : 'probe the machine', first,
    first.length > 0 ? run('probe', receive(first)) : run('probe'), RECEIVE_TIMEOUT_S);
  middle.forEach((parts, index) => add(`call ${index + 2}`, coreLabel(parts), parts, run(receive(parts)), RECEIVE_TIMEOUT_S));
  ext.forEach((parts, index) =>
    add(
      `ext ${index + 1}`,
      `${parts.map((part) => part.name).join(', ')} of ${input.ext.length} (linux-x64-cuda-ext)`,
      parts,
      run(receive(parts)),
      RECEIVE_TIMEOUT_S,
      true,
    ),
  );
  add(`call ${middle.length + 2}`, `${coreLabel(last)}, unpack, generate the shape models, run the check`, last,
    run(receive(last), ['finish', ...input.runnerArgs].join(' ')), FINISH_TIMEOUT_S);
  return calls;
}

/** Consecutive parts per call, as many as fit beside the tree (and the sums file) in one call's carry. */
function groupParts(parts: readonly KitPart[], room: number, treeBytes: number): KitPart[][] {
  const groups: KitPart[][] = [];
  let current: KitPart[] = [];
  let used = 0;
  for (const part of parts) {
    if (part.bytes > room) {
      throw new Error(`Part ${part.name} (${mib(part.bytes)}) does not fit a call beside the working tree (${mib(treeBytes)}): `
        + `a call carries ${mib(CALL_LIMIT_BYTES)} in all. Pack again (npm run check:gpu -- pack) to cut smaller parts.`);
    }
    if (current.length > 0 && (used + part.bytes > room || current.length + 1 >= MAX_CARRIED_PATHS)) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(part);
    used += part.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function carryOf(parts: readonly KitPart[]): string[] {
  return [SUMS_FILE, ...parts.map((part) => `${PARTS_FOLDER}/${part.name}`)];
}

function callBytes(parts: readonly KitPart[], input: PlanInput): number {
  return input.treeBytes + input.sumsBytes + parts.reduce((sum, part) => sum + part.bytes, 0);
}

/** A call the device tool would refuse is a bug in the plan: stop here, not after a machine has started. */
function checkedCall(call: DeviceCall): DeviceCall {
  if (call.bytes > CALL_LIMIT_BYTES) {
    throw new Error(`${call.label} would carry ${mib(call.bytes)}, over the ${mib(CALL_LIMIT_BYTES)} a call may carry.`);
  }
  if (call.carry.length > MAX_CARRIED_PATHS) {
    throw new Error(`${call.label} names ${call.carry.length} paths in carry; a call takes ${MAX_CARRIED_PATHS}.`);
  }
  if (call.command.length > MAX_COMMAND_CHARS) {
    throw new Error(`${call.label}'s command has ${call.command.length} characters; a call takes ${MAX_COMMAND_CHARS}.`);
  }
  return call;
}

/** The plan as a session with the device will read it: one block per call, ready to pass to the device tool. */
export function renderPlan(calls: readonly DeviceCall[]): string {
  const always = calls.filter((call) => !call.onlyWithoutCuda13);
  const ext = calls.filter((call) => call.onlyWithoutCuda13);
  const lines = [
    `Device calls: ${always.length}${ext.length > 0 ? `, plus ${ext.length} when call 1's probe prints "cuda-ext: NEEDED"` : ''}.`,
    `Make them back to back: the machine keeps ${DEVICE_KIT_DIR} only while it stays warm (about 30 s after a call). If the last`,
    'call says a part is missing, the machine went cold: start again from call 1.',
  ];
  for (const call of calls) {
    lines.push(
      '',
      `${call.label}${call.onlyWithoutCuda13 ? ' (only if call 1 printed "cuda-ext: NEEDED"; before the last call)' : ''}: ${call.purpose}`,
      `  sends:     ${mib(call.bytes)} with the working tree (limit ${mib(CALL_LIMIT_BYTES)})`,
      `  carry:     ${JSON.stringify(call.carry)}`,
      `  command:   ${call.command}`,
      `  timeout_s: ${call.timeoutS}`,
    );
  }
  lines.push('', 'The last call writes gpu-check.json and gpu-check.txt into $OUT, which come back with its answer.');
  return lines.join('\n');
}
