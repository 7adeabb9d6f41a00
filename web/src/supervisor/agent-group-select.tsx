// Moves an agent to another group from the agents panel (PUT /ops/agents/{code}/group): the
// agent takes that group's calls from its next call on; the move is kept across restarts.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { errorText, fill, groupText } from '../value-texts.ts';

let groupsOnce: Promise<string[]> | null = null;
const loadGroups = () => (groupsOnce ??= api<{ groups: string[] }>('/ops/agent-groups').then((r) => r.groups, (e) => ((groupsOnce = null), Promise.reject(e))));

export function AgentGroupSelect(props: { agentCode: string; group: string; onChanged?(): void }) {
  const { t } = useI18n();
  const [groups, setGroups] = useState<string[]>([props.group]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadGroups().then((g) => setGroups([...new Set([props.group, ...g])]), () => undefined);
  }, [props.group]);
  const move = async (group: string) => {
    if (group === props.group) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/ops/agents/${encodeURIComponent(props.agentCode)}/group`, { method: 'PUT', body: { group } });
      announce(fill(t('ctl.agentMoved'), { agent: props.agentCode, group: groupText(t, group) }));
      props.onChanged?.();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <select
        value={props.group}
        disabled={busy}
        // Small type, as wide as the chosen name, so the agents table fits its card; a width cap
        // cut "nhóm mặc định" off.
        class="small group-select"
        aria-label={fill(t('ctl.agentGroup'), { agent: props.agentCode })}
        onChange={(e) => void move((e.target as HTMLSelectElement).value)}
        data-testid={`agent-group-${props.agentCode}`}
      >
        {groups.map((g) => (
          <option value={g}>{groupText(t, g)}</option>
        ))}
      </select>
      {error && (
        <span class="sub error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
