/**
 * How `ccs` shows what the operator API returns. Times arrive as local wall-clock text in the
 * service's time zone; the few epoch values are turned into local times here, so no output
 * shows raw epoch milliseconds.
 */
import { fields, formatDuration, formatLocalTime, formatPercent, formatWindow, table, type Column } from './format.ts';

type Row = Record<string, any>;

const campaignColumns: Column<Row>[] = [
  { header: 'ID', value: (c) => c.campaignid },
  { header: 'STATE', value: (c) => c.state },
  { header: 'WINDOW', value: (c) => formatWindow(c.starttime, c.endtime) },
  { header: 'CONTACTS', value: (c) => c.counts?.contactTotal },
  { header: 'PENDING', value: (c) => c.counts?.contactsPending },
  { header: 'DIALING', value: (c) => c.counts?.contactsDialing },
  { header: 'DONE', value: (c) => c.counts?.contactsFinal },
  { header: 'ANSWERED', value: (c) => c.counts?.contactsAnswered },
  { header: 'LIVE', value: (c) => c.liveCalls },
  { header: 'ABANDON', value: (c) => formatPercent(c.abandonRate), align: 'right' },
  { header: 'FINISH', value: (c) => c.finishStatus },
];

export function campaignsView(data: { campaigns: Row[] }): string {
  return table(data.campaigns, campaignColumns, 'No campaigns.');
}

const attemptsByStatus = (counts: Row | undefined) =>
  Object.entries((counts?.attemptsByStatus ?? {}) as Record<string, number>)
    .sort(([, a], [, b]) => b - a)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');

export function campaignView(c: Row): string {
  const counts = c.counts ?? {};
  const p = c.profile ?? {};
  const head = fields([
    ['Campaign', `${c.campaignid}${c.typeid !== null && c.typeid !== undefined ? ` (type ${c.typeid})` : ''}`],
    ['State', `${c.state}${c.finishStatus ? ` (${c.finishStatus})` : ''}`],
    ['Window', formatWindow(c.starttime, c.endtime)],
    ['Received', c.receivedAt],
    ['Started', c.startedAt ?? undefined],
    ['Stopped', c.stoppedAt ?? undefined],
    ['Finished', c.finishedAt ?? undefined],
    ['Profile', `${p.name} (${p.dialMode}${p.dialMode === 'power' ? ` ×${p.powerRatio}` : ''}, agent group ${p.agentGroup}, ${p.purpose}, rule set ${p.ruleSet})`],
    ['Contacts', `${counts.contactTotal} in all: ${counts.contactsPending} pending, ${counts.contactsDialing} dialing, ${counts.contactsFinal} done (${counts.contactsAnswered} answered${counts.contactsDnc ? `, ${counts.contactsDnc} on the do-not-call list` : ''})`],
    ['Attempts', `${counts.attempts}${counts.attempts ? `: ${attemptsByStatus(counts)}` : ''}`],
    ['Abandoned', `${formatPercent(c.abandonRate)} of answered calls (target ${formatPercent(p.abandonTarget)})`],
  ]);
  const calls: Row[] = c.calls ?? [];
  return `${head}\n\n${calls.length ? `Live calls\n${callsTable(calls, false)}` : 'No live calls.'}`;
}

function callsTable(calls: Row[], withCampaign: boolean): string {
  return table(calls, [
    { header: 'CALL', value: (l) => l.callid },
    ...(withCampaign ? [{ header: 'CAMPAIGN', value: (l: Row) => l.campaignid }] : []),
    { header: 'CONTACT', value: (l) => l.contactId },
    { header: 'TRY', value: (l) => l.attemptNo },
    { header: 'PHONE', value: (l) => l.phonenumber },
    { header: 'STATE', value: (l) => l.state },
    { header: 'AGENT', value: (l) => l.agentcode },
    { header: 'STARTED', value: (l) => l.startedAt },
    { header: 'FOR', value: (l) => formatDuration(l.seconds), align: 'right' },
  ]);
}

export function liveCallsView(data: { calls: Row[] }): string {
  return data.calls.length ? callsTable(data.calls, true) : 'No calls in progress.';
}

export function contactsView(data: { contacts: Row[] }): string {
  return table(
    data.contacts,
    [
      { header: 'ID', value: (c) => c.contactId },
      { header: 'PHONE', value: (c) => c.phonenumber },
      { header: 'STATE', value: (c) => c.state },
      { header: 'TRIES', value: (c) => c.attempts },
      { header: 'LAST STATUS', value: (c) => c.lastStatus },
      { header: 'OUTCOME', value: (c) => c.outcome },
      { header: 'NEXT TRY', value: (c) => c.nextAttemptAt },
      { header: 'WAITING FOR', value: (c) => c.waitReason },
    ],
    'No contacts.',
  );
}

export function attemptsView(data: { attempts: Row[] }): string {
  return table(
    data.attempts,
    [
      { header: 'CALL', value: (a) => a.callid },
      { header: 'CONTACT', value: (a) => a.contactId },
      { header: 'TRY', value: (a) => a.attemptNo },
      { header: 'NUMBER', value: (a) => a.number },
      { header: 'STATE', value: (a) => a.state },
      { header: 'STATUS', value: (a) => a.status },
      { header: 'AGENT', value: (a) => a.agentcode },
      { header: 'STARTED', value: (a) => a.starttime },
      { header: 'LASTED', value: (a) => formatDuration(a.duration), align: 'right' },
      { header: 'RECORDING', value: (a) => (a.recording ? 'yes' : null) },
      { header: 'CAUSE', value: (a) => a.cause, maxWidth: 40 },
    ],
    'No attempts.',
  );
}

export function clusterView(data: { nodes: Row[] }): string {
  return table(data.nodes, [
    { header: 'NODE', value: (n) => n.id },
    { header: 'DIALING', value: (n) => (n.dialing ? 'yes' : 'no') },
    { header: 'GROUPS', value: (n) => ((n.groups as string[]).length ? (n.groups as string[]).join(', ') : '-') },
    { header: 'LAST SEEN', value: (n) => n.lastSeen },
  ]);
}

export function agentsView(data: { agents: Row[] }): string {
  return table(
    data.agents,
    [
      { header: 'AGENT', value: (a) => a.agentcode },
      { header: 'STATION', value: (a) => a.station_id, align: 'left' },
      { header: 'GROUP', value: (a) => a.group },
      { header: 'STATE', value: (a) => (a.pauseReason ? `${a.state} (${a.pauseReason})` : a.state) },
      { header: 'SINCE', value: (a) => a.since },
      { header: 'FOR', value: (a) => formatDuration(a.secondsInState), align: 'right' },
      { header: 'CALL', value: (a) => a.callid },
      { header: 'CALLS TAKEN', value: (a) => a.callsTaken },
    ],
    'No agents.',
  );
}

export function outboxView(data: { callbacks: Row[] }): string {
  return table(
    data.callbacks,
    [
      { header: 'ID', value: (c) => c.id },
      { header: 'CAMPAIGN', value: (c) => c.campaignid },
      { header: 'KIND', value: (c) => c.kind },
      { header: 'CALL / KEY', value: (c) => c.idempotencyKey, maxWidth: 36 },
      { header: 'STATE', value: (c) => c.state },
      { header: 'TRIES', value: (c) => c.attempts },
      { header: 'CREATED', value: (c) => c.createdAt },
      { header: 'NEXT TRY', value: (c) => c.nextAttemptAt },
      { header: 'DELIVERED', value: (c) => c.deliveredAt },
      { header: 'LAST ERROR', value: (c) => c.lastError, maxWidth: 50 },
    ],
    'No callbacks.',
  );
}

export interface OutboxStats {
  pending: number;
  dead: number;
  delivered: number;
  oldestPendingAt: number | string | null;
  oldestPendingAgeSeconds?: number | null;
}

/** The stats with `oldestPendingAt` as local time instead of epoch milliseconds (also for --json). */
export function localOutboxStats(stats: OutboxStats, timeZone: string): OutboxStats {
  return { ...stats, oldestPendingAt: typeof stats.oldestPendingAt === 'number' ? formatLocalTime(stats.oldestPendingAt, timeZone) : stats.oldestPendingAt };
}

export function outboxStatsView(stats: OutboxStats): string {
  const oldest = stats.oldestPendingAt === null ? '' : `, the oldest since ${stats.oldestPendingAt}${stats.oldestPendingAgeSeconds != null ? ` (${formatDuration(stats.oldestPendingAgeSeconds)})` : ''}`;
  return fields([
    ['Waiting', `${stats.pending}${oldest}`],
    ['Dead', `${stats.dead}${stats.dead ? ' (ccs outbox --state dead; ccs outbox replay --all sends them again)' : ''}`],
    ['Delivered', stats.delivered],
  ]);
}
