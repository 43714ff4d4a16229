import assert from 'node:assert/strict';
import { learningReport, renderReport } from '../../../bots/learning/learning-report.ts';
import type { CoverageRow, QuizActivityRow } from '../../../state/learning-store.ts';

/** The administrators' report never shows a group smaller than the threshold, nor lets one be computed. */
describe('learning report (aggregates only)', () => {
  const store = (coverage: CoverageRow[], activity: QuizActivityRow[] = []) => ({ coverage: async () => coverage, quizActivity: async () => activity });
  const since = '2026-01-01T00:00:00.000Z';

  it('merges small services; hides the merged line and the total when the merged group is still small', async () => {
    const report = await learningReport(store([{ service: 'Roissy', agents: 12, trained: 9 }, { service: 'Brest', agents: 2, trained: 2 }]), { since, minGroupSize: 5 });
    assert.deepEqual(report.coverage, [{ service: 'Roissy', agents: 12, trained: 9 }]);
    assert.deepEqual(report.merged, { services: 1 });
    assert.equal(report.total, undefined, 'the total minus Roissy would give Brest away');
    const text = renderReport(report, (kb) => kb);
    assert.match(text, /- Roissy : 9 sur 12 \(75 %\)\n- Autres services \(1 service de moins de 5 agents, regroupés\) : non affiché \(moins de 5 agents\)\.\n\n/);
    assert.ok(!text.includes('Brest') && !text.includes('Total'));
  });

  it('shows the merged line and the total when the small services are large enough together', async () => {
    const report = await learningReport(store([{ service: 'A', agents: 6, trained: 3 }, { service: 'B', agents: 3, trained: 0 }, { service: 'C', agents: 2, trained: 1 }]), { since, minGroupSize: 5 });
    assert.deepEqual(report.merged, { services: 2, line: { service: 'autres', agents: 5, trained: 1 } });
    assert.deepEqual(report.total, { service: 'Total', agents: 11, trained: 4 });
  });

  it('leaves out the bases too few agents used, and says so', async () => {
    const report = await learningReport(store([], [{ kb: 'legal', agents: 7, answers: 40, correct: 30 }, { kb: 'hr', agents: 1, answers: 12, correct: 3 }]), { since, minGroupSize: 5 });
    const text = renderReport(report, (kb) => (kb === 'legal' ? 'Code des douanes' : kb));
    assert.match(text, /- Code des douanes : 7 agents, 40 réponses, 75 % justes\n- 1 base\(s\) : non affiché \(moins de 5 agents\)\./);
    assert.ok(!text.includes('hr'));
  });
});
