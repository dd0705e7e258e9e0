/**
 * The `topolens` CLI: a thin shell over the same analysis functions the worker uses. Errors print one
 * clear line (the message names the file or option) and exit 1; no stack traces for bad input.
 */
import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './commands/demo';
import { registerRunsCommands } from './commands/runs';
import { registerStudyCommands } from './commands/study';
import { registerTrainCommand } from './commands/train';
import { registerPhCommand } from './commands/ph';
import { registerMapperCommand } from './commands/mapper';
import { registerGeometryCommands } from './commands/decisionGeometry';
import { registerLossBarcodeCommand } from './commands/lossBarcode';
import { registerSublevelCommand } from './commands/sublevel';
import { registerTreesCommand } from './commands/trees';

async function main(argv: string[]): Promise<void> {
  const program = new Command('topolens')
    .description('TopoLens: topology and geometry of neural-network training, from the shell')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerDemoCommand(program);
  registerTrainCommand(program);
  registerRunsCommands(program);
  registerStudyCommands(program);
  registerPhCommand(program);
  registerMapperCommand(program);
  registerGeometryCommands(program);
  registerLossBarcodeCommand(program);
  registerSublevelCommand(program);
  registerTreesCommand(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`topolens: ${message}\n`);
  if (process.env.TOPOLENS_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
