// execTask gets every message on source_topic; its result is the row written to database.table (one
// column: the whole result; several: a JSON object, one field per column). An empty result writes
// nothing.
export function execTask(arg: string): string {
  return arg.trim() === '' ? '' : arg;
}
