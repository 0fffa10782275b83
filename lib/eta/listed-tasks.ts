// `ansible-playbook --list-tasks` prints each play's tasks, indented under "tasks:", each as
// "role : name<TAB>TAGS: [...]". Their count is what a first run (nothing recorded yet) is
// measured against; roles included at run time (include_role, include_tasks) are not listed.
export function countListedTasks(output: string): number {
  let count = 0;
  let inTasks = false;
  for (const line of output.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === 'tasks:') inTasks = true;
    else if (!trimmed || /^play #\d+/.test(trimmed)) inTasks = false;
    else if (inTasks && line.includes('TAGS:')) count += 1;
  }
  return count;
}
