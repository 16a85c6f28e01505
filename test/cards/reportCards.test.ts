import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderEvaluationCard } from '../../cards/evaluation/index.js';
import { renderReportCard } from '../../cards/report/index.js';
import { evaluationResults, type Question } from '../../src/domain/evaluation.js';
import { evaluationChart } from '../../src/report/yearReport.js';
import { lintCard } from '../support/cardLint.js';

const questions: Question[] = [
  { id: 'p1', part: 'process', type: 'scale', text: 'De aanmelding verliep soepel.' },
  { id: 'c1', part: 'content', type: 'scale', text: 'De afspraken sloten aan.' },
  { id: 'o1', part: 'content', type: 'open', text: 'Wat moet beter?' },
];

describe('report and evaluation cards', () => {
  it('the report card is a valid Adaptive Card 1.5 with its charts and downloads', () => {
    const fact = { title: 'Verstuurd', value: '<5' };
    const card = renderReportCard({
      title: 'Rapportage 2026',
      subtitle: 'Aantallen onder de 5 staan als "<5".',
      totals: [fact],
      normsTitle: 'Servicenormen',
      norms: [fact],
      overviewChart: { url: 'https://schakel.example/downloads/a.b', alt: 'Grafiek' },
      xtraTitle: 'SMW-XTRA-analyse',
      xtraCriteria: 'Kandidaat: …',
      xtra: [fact],
      xtraChart: { url: 'https://schakel.example/downloads/c.d', alt: 'Grafiek' },
      evaluation: { shown: true, title: 'Jaarlijkse evaluatie', status: '12 antwoorden · loopt', facts: [fact], chartUrl: 'https://schakel.example/downloads/e.f' },
      downloads: [{ title: 'Tabel (CSV)', url: 'https://schakel.example/downloads/g.h' }],
    });
    expect(lintCard(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('Action.OpenUrl');
  });

  it('the evaluation card asks every question, offers the school × wijkteam pairs and lints clean', () => {
    const card = renderEvaluationCard({
      title: 'Evaluatie 2026',
      intro: 'Zonder naam.',
      period: '2026',
      cellLabel: 'Over welke school?',
      cells: [{ title: 'OBS A — Wijkteam Feijenoord', value: 'OBS A|wt-feijenoord' }, { title: 'OBS B — Wijkteam Charlois', value: 'OBS B|wt-charlois' }],
      scaleHint: '1–5',
      questions: questions.map((q) => ({ inputId: `q_${q.id}`, type: q.type, text: q.text })),
      sendTitle: 'Versturen',
    });
    expect(lintCard(card)).toEqual([]);
    const json = JSON.stringify(card);
    for (const id of ['cell', 'q_p1', 'q_c1', 'q_o1']) expect(json).toContain(`"id":"${id}"`);
  });

  it('the evaluation chart is a PNG of the chart width', async () => {
    const answers = Array.from({ length: 6 }, (_, i) => ({ period: '2026', school: 'A', wijkteamId: 'w', scores: { p1: 1 + (i % 5), c1: 4 }, open: {} }));
    const results = evaluationResults(answers, questions, 5);
    expect(results.overall.questions.map((q) => [q.questionId, q.mean])).toEqual([['p1', 16 / 6], ['c1', 4]]);
    const png = PNG.sync.read((await evaluationChart('2026', { status: 'open', questions, results })).png);
    expect(png.width).toBe(800);
  });
});
