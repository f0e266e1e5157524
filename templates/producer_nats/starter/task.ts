declare function taskConfig(key: string): string | undefined; // provided by the template

// execTask runs on every message on source_topic (a timer tick, a poll request); its body is the
// argument. The result is published to dest_topic (and to the trigger's reply-to subject, if any).
export function execTask(arg: string): string {
  return JSON.stringify({ tick: arg.trim(), from: taskConfig('source') ?? 'pelato' });
}
