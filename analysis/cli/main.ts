/**
 * The `topolens` CLI: a thin shell over the same analysis functions the worker uses. Errors print one
 * clear line (the message names the file or option) and exit 1; no stack traces for bad input.
 */
import { Command, CommanderError } from 'commander';
import { addHelpExamples } from './helpExamples';

type Register = (program: Command) => void;

/**
 * Every command: the names it registers on the program and how to load its module. Arguments are read
 * first and only the module of the command being run is loaded (so `ph` never loads TensorFlow.js);
 * `--help`, no command or an unknown one load them all, to list them. Adding a command is one line here.
 */
const COMMANDS: Array<{ names: string[]; load: () => Promise<Register> }> = [
  { names: ['demo'], load: async () => (await import('./commands/demo')).registerDemoCommand },
  { names: ['train'], load: async () => (await import('./commands/train')).registerTrainCommand },
  { names: ['import'], load: async () => (await import('./commands/import')).registerImportCommand },
  { names: ['runs', 'barcode'], load: async () => (await import('./commands/runs')).registerRunsCommands },
  { names: ['study'], load: async () => (await import('./commands/study')).registerStudyCommands },
  { names: ['ph'], load: async () => (await import('./commands/ph')).registerPhCommand },
  { names: ['mapper'], load: async () => (await import('./commands/mapper')).registerMapperCommand },
  { names: ['geometry', 'geometry-series', 'geometry-subsample'], load: async () => (await import('./commands/decisionGeometry')).registerGeometryCommands },
  { names: ['loss-barcode'], load: async () => (await import('./commands/lossBarcode')).registerLossBarcodeCommand },
  { names: ['to-score'], load: async () => (await import('./commands/toScore')).registerToScoreCommand },
  { names: ['sublevel'], load: async () => (await import('./commands/sublevel')).registerSublevelCommand },
  { names: ['trees'], load: async () => (await import('./commands/trees')).registerTreesCommand },
  { names: ['manifold'], load: async () => (await import('./commands/manifold')).registerManifoldCommand },
  { names: ['analyze'], load: async () => (await import('./commands/analyze')).registerAnalyzeCommand },
  { names: ['report'], load: async () => (await import('./commands/report')).registerReportCommand },
];

/** The commands whose modules this command line needs: the one named, none for --version, else all. */
function commandsFor(argv: string[]): typeof COMMANDS {
  const first = argv[2];
  if (first === '--version' || first === '-V') return [];
  const named = COMMANDS.find((c) => c.names.includes(first));
  return named ? [named] : COMMANDS;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('topolens')
    .description('TopoLens: topology and geometry of neural-network training, from the shell')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  const registers = await Promise.all(commandsFor(argv).map((c) => c.load()));
  for (const register of registers) register(program);
  addHelpExamples(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`topolens: ${message}\n`);
  if (process.env.TOPOLENS_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
