/**
 * The worker must never outlive the extension host: when the IPC channel closes or the parent pid
 * disappears (a killed window, a crashed host), exit. Training state is already on disk (atomic writes,
 * append-only metrics), so exiting at any moment leaves a consistent run folder.
 */
export function exitWhenParentDies(onExit: () => void, intervalMs = 2000): void {
  const parentPid = process.ppid;
  process.on('disconnect', onExit);
  const timer = setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      onExit();
    }
  }, intervalMs);
  timer.unref();
}
