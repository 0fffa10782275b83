// Lines redrawn in place on a terminal: the cursor goes back up over the last frame
// (CSI n A), erases it to the end of the screen (CSI J) and writes the new one.
export class TerminalFrame {
  private last: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {}

  draw(lines: string[]): void {
    // The rows the last frame takes now: a terminal made narrower since has wrapped its lines.
    const columns = this.out.columns || Infinity;
    const rows = this.last.reduce((sum, line) => sum + Math.max(1, Math.ceil([...line].length / columns)), 0);
    this.out.write(`${rows ? `\r\x1b[${rows}A\x1b[J` : ''}${lines.join('\n')}\n`);
    this.last = lines;
  }
}
