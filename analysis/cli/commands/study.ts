/**
 * `topolens study create|remove|delete`: group existing runs as a study, take a run out of its study. The same store
 * functions as the runs tree's "Group as Study" / "Remove from Study": creating writes study.json once and
 * each member's run.json; removing rewrites only that run's run.json.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { createStudyFromRuns, deleteStudy, dropPlannedMembers, removeRunFromStudy, studyDir } from '../../store/studyStore';

export function registerStudyCommands(program: Command): void {
  const study = program.command('study').description('group runs as a study, or remove runs from their study');
  study
    .command('create')
    .description('group existing runs (of one runs folder) as a new study; each run is a member named after it')
    .argument('<name>', 'study name')
    .argument('<runDirs...>', 'run folders')
    .option('--panels <ids>', 'comma-separated panel ids the study is meant for, e.g. weightBarcode')
    .option('--json', 'print the study record as JSON')
    .action((name: string, runDirs: string[], opts: { panels?: string; json?: boolean }) => {
      const panels = opts.panels?.split(',').map((p) => p.trim()).filter(Boolean);
      const created = createStudyFromRuns(name, runDirs.map((d) => path.resolve(d)), panels?.length ? { panels } : {});
      if (opts.json) return void console.log(JSON.stringify({ id: created.id, dir: created.dir, study: created.study }, null, 2));
      console.log(`study ${created.id}: ${created.study.members.length} members (${created.study.members.map((m) => m.name).join(', ')})\n${created.dir}`);
    });
  study
    .command('remove')
    .description('remove runs from their study (rewrites only each run\'s run.json; study.json keeps the plan unless --drop-plan)')
    .argument('<runDirs...>', 'run folders')
    .option('--drop-plan', 'also take their members out of the study\'s plan, so a resumed study does not train them again')
    .action((runDirs: string[], opts: { dropPlan?: boolean }) => {
      for (const d of runDirs.map((x) => path.resolve(x))) {
        const was = removeRunFromStudy(d);
        if (!was) { console.log(`${d}: not in a study`); continue; }
        const dropped = opts.dropPlan ? dropPlannedMembers(studyDir(path.dirname(d), was.id), [was.member]) : [];
        console.log(`${d}: removed from study ${was.id} (member ${was.member}${dropped.length ? ', dropped from its plan' : ''})`);
      }
    });
  study
    .command('delete')
    .description('delete a study folder (its runs stay; refused while runs are still members)')
    .argument('<studyDir>', 'study folder (<runs folder>/studies/<id>)')
    .action((dir: string) => {
      deleteStudy(path.resolve(dir));
      console.log(`deleted ${path.resolve(dir)}`);
    });
}
