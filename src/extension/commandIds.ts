// Command ids, shared by package.json's contributions and the code that registers them.
export const COMMANDS = {
  showStatusMenu: 'llamaLens.showStatusMenu',
  showLog: 'llamaLens.showLog',
  selectModelFile: 'llamaLens.selectModelFile',
  restartEngine: 'llamaLens.restartEngine',
  triggerCompletion: 'llamaLens.triggerCompletion',
  toggleCompletions: 'llamaLens.toggleCompletions',
  snoozeCompletions: 'llamaLens.snoozeCompletions',
  toggleHeatmap: 'llamaLens.toggleHeatmap',
  showLens: 'llamaLens.showLens',
  ask: 'llamaLens.ask',
  explainSelection: 'llamaLens.explainSelection',
  editSelection: 'llamaLens.editSelection',
  generateAtCursor: 'llamaLens.generateAtCursor',
  writeDocComment: 'llamaLens.writeDocComment',
  acceptEdit: 'llamaLens.acceptEdit',
  rejectEdit: 'llamaLens.rejectEdit',
} as const;
