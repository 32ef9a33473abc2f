/**
 * The import rules of ../shared/design/ARCHITECTURE.md §3, checked by `npm test`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports hide initialisation-order bugs.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports nothing outside itself except Node built-ins (no frameworks, no packages).',
      from: { path: '^domain/' },
      to: { pathNot: ['^domain/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'dialogs-stay-off-infra-jobs-bot',
      severity: 'error',
      comment: 'dialogs/ use domain/ and botbuilder, never adapters, jobs or the edge.',
      from: { path: '^dialogs/' },
      to: { path: '^(infra|jobs|bot|web)/' },
    },
    {
      name: 'ui-is-the-floor-of-the-edge',
      severity: 'error',
      comment: 'ui/ (catalogs, cards, error messages, turn helpers) serves bot/ and dialogs/; it uses domain/ and botbuilder only.',
      from: { path: '^ui/' },
      to: { path: '^(infra|jobs|bot|dialogs|web)/' },
    },
    {
      name: 'bot-features-stay-apart',
      severity: 'error',
      comment: 'A feature folder of bot/ does not reach into another feature; shared pieces live in turn/, proactive/, http/ or ui/.',
      from: { path: '^bot/(certificates|server-certificates|helpdesk)/' },
      to: { path: '^bot/(composition)/' },
    },
    {
      name: 'jobs-stay-off-dialogs-bot',
      severity: 'error',
      from: { path: '^jobs/' },
      to: { path: '^(ui|dialogs|bot|infra|web)/' },
    },
    {
      name: 'infra-implements-domain-only',
      severity: 'error',
      comment: 'infra/ implements the domain ports; it never reaches into dialogs, jobs or the edge.',
      from: { path: '^infra/' },
      to: { path: '^(ui|dialogs|bot|jobs|web)/' },
    },
    {
      name: 'nothing-imports-tests-or-bench',
      severity: 'error',
      from: { pathNot: '^(test|bench)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^data/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
