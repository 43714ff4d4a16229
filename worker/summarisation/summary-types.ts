/** A part of what is summarised: a document section, an article, a day of conversation. */
export interface SummarySection {
  heading: string;
  /** Where to find it: "p. 3-4", "art. 60 bis", "12/03 10:42". */
  reference?: string;
  /** Where to read it in full (Légifrance for an article). */
  url?: string;
  text: string;
}

export interface SummaryInput {
  title: string;
  sections: SummarySection[];
  length: 'court' | 'detaille';
  /** What is summarised, when the model should read it in a particular way (who said what, what was decided). */
  focus?: 'conversation';
}

export interface SummaryResult {
  /** Markdown with headings and references. */
  markdown: string;
  method: 'extractive' | 'model';
  inputTokens: number;
  outputTokens: number;
}

export interface SummaryProgress {
  (done: number, total: number): Promise<void>;
}
