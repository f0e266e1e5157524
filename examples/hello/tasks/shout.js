// Upper-cases the greeting.
export function execTask(arg) {
  return arg.toUpperCase();
}
