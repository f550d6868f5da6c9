// The questionnaire template `socready init` writes: every question as a bilingual comment above an empty answer.
import { loadCatalog, type Question } from './catalog.js';

function optionLines(q: Question): string[] {
  if (!q.options) return [];
  return q.options.map((o) => `#     ${o.value}: ${o.label.en} / ${o.label.ja}`);
}

function hint(q: Question): string {
  switch (q.type) {
    case 'integer':
      return '# answer: a whole number / 回答：整数';
    case 'boolean':
      return '# answer: true or false / 回答：true または false';
    case 'choice':
      return '# answer: one of / 回答：次のいずれか 1 つ';
    case 'multi':
      return '# answer: a list of any of / 回答：次のうち該当するものをすべてリストで';
  }
}

export function exampleQuestionnaireYaml(): string {
  const lines = [
    '# socready questionnaire: people and process / 体制とプロセスに関するアンケート',
    '#',
    '# A scan cannot see staffing, on-call or procedures, so these answers are shown in the report as attested',
    '# (self-declared), never as measured. Leave an answer as null if you do not know it.',
    '# スキャンでは体制・当番・手順は確認できないため、ここでの回答はレポートに「自己申告」として表示され、',
    '# 「実測」とは区別されます。わからない項目は null のままにしてください。',
    'version: 1',
    'answered_by: null   # name and role / 回答者の氏名と役割',
    'answered_at: null   # YYYY-MM-DD',
    'answers:',
  ];
  for (const q of loadCatalog().questions) {
    lines.push('');
    lines.push(`  # ${q.question.en}`);
    lines.push(`  # ${q.question.ja}`);
    if (q.help) lines.push(`  #   ${q.help.en}`, `  #   ${q.help.ja}`);
    lines.push(`  ${hint(q)}`);
    for (const o of optionLines(q)) lines.push(`  ${o}`);
    lines.push(`  ${q.id}: null`);
  }
  return `${lines.join('\n')}\n`;
}
