/**
 * The name a task file gets in its generated project: one the Go build compiles for the component's
 * target whatever the user called it (go/build ignores `_test`, `_<GOOS>`, `_<GOARCH>` and leading `_` or
 * `.` names), lower-case extensions for JS/TS, and never the name of a template file.
 */
import { taskFileName, type FileTree } from '../../src/generate/render.js';

const none: FileTree = new Map();

describe('taskFileName', () => {
  test.each([
    ['filter.go', 'filter.go'],
    ['convert_test.go', 'task.go'],
    ['reading_linux.go', 'task.go'],
    ['reading_arm64.go', 'task.go'],
    ['reading_linux_arm64.go', 'task.go'],
    ['reading_wasm.go', 'task.go'],
    ['reading_wasip2.go', 'task.go'],
    ['_hidden.go', 'task.go'],
    ['.hidden.go', 'task.go'],
    ['Filter.GO', 'task.go'],
    ['sub/linux_reader.go', 'linux_reader.go'],
    ['arm64.go', 'arm64.go'],
    ['reading_arm65.go', 'reading_arm65.go'],
    ['reading_linux.v2.go', 'task.go'],
    ['reading.linux.go', 'reading.linux.go'],
    ['reading.v2_linux.go', 'reading.v2_linux.go'],
  ])('Go: %s is compiled as %s', (code, expected) => {
    expect(taskFileName({ code, language: 'go' }, none)).toBe(expected);
  });

  test.each([
    ['shout.TS', 'shout.ts'],
    ['shout.MTS', 'shout.mts'],
    ['greet.js', 'greet.js'],
  ])('JS/TS: %s becomes %s', (code, expected) => {
    expect(taskFileName({ code, language: code.toLowerCase().endsWith('s') ? 'ts' : 'js' }, none)).toBe(expected);
  });

  test('a task file named like a template file is renamed, never replaced', () => {
    const files: FileTree = new Map([['pelato_main.js', Buffer.from('')]]);
    expect(taskFileName({ code: 'pelato_main.js', language: 'js' }, files)).toBe('task_pelato_main.js');
  });
});
