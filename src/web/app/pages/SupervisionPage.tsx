// The supervisor's page: search the record, open a matter's file (timeline, export, legal hold) and the file review
// report as a table and a chart, with its CSV. Search snippets arrive as escaped text with <mark> around the hits and
// are rebuilt as text and <mark> elements, never parsed as markup.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, get } from '../api.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';
import type { User } from '../types.js';
import { DateRangeFields } from './DateRangeFields.js';
import { SavedSearches, type SearchQuery } from './SavedSearches.js';
import { conversationChoices, PrivilegeActions, PrivilegeDialog, ProductionPanel, usePrivilegeMarks, withdrawRequest, type PrivilegeTarget } from './MatterProduction.js';
import { isoDay } from './TimePage.js';
import { describeTimelineItem, firmTime } from '../../../core/matter-file/describe-event.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the search, file and review answers are read as the API documents them (OpenAPI) */

const when = (at: string) => new Date(at).toLocaleString();
const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The API's snippet (escaped text, hits in <mark>) as text and <mark> elements. */
function Snippet({ html }: { html: string }) {
  let marked = false;
  const parts: preact.ComponentChildren[] = [];
  html.split(/(<\/?mark>)/).forEach((part, index) => {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) {
      const text = part.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
      parts.push(marked ? <mark key={index}>{text}</mark> : text);
    }
  });
  return <>{parts}</>;
}

/** A search's query string, for the results and their CSV alike. */
function searchParams(query: SearchQuery): URLSearchParams {
  const params = new URLSearchParams({ q: query.q });
  for (const name of ['matter', 'direction', 'from', 'to', 'privileged'] as const) if (query[name]) params.set(name, query[name]);
  return params;
}

export function SupervisionPage({ user }: { user: User }) {
  const [error, setError] = useState('');
  const [matters, setMatters] = useState<{ id: string; number: string; title: string }[]>([]);
  const [query, setQuery] = useState<SearchQuery>({ q: '', matter: '', direction: '', from: '', to: '', privileged: '' });
  const [results, setResults] = useState<{ items: any[]; contacts: any[]; nextCursor: string | null } | null>(null);
  const [fileMatter, setFileMatter] = useState('');
  const [file, setFile] = useState<{ matterId: string; matter: any; items: any[]; nextCursor: string | null } | null>(null);
  const today = new Date();
  const [reviewRange, setReviewRange] = useState({ from: isoDay(new Date(today.getTime() - 90 * 86_400_000)), to: isoDay(today), by: 'matters' });
  const [review, setReview] = useState<{ by: string; query: string; report: any } | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const [marking, setMarking] = useState<PrivilegeTarget | null>(null);
  const privilege = usePrivilegeMarks(file?.matterId ?? null);
  const canMark = user.role === 'lawyer' || user.role === 'supervisor';
  const withdraw = (markId: string, what: string) => setAsking(withdrawRequest(markId, what, privilege.reload));
  const reviews = user.role === 'admin' || user.role === 'supervisor';
  const fail = (caught: unknown) => setError(describeError(caught));

  async function search(more: boolean, asked = query) {
    const params = searchParams(asked);
    if (more && results?.nextCursor) params.set('cursor', results.nextCursor);
    const found = await get<{ items: any[]; contacts: any[]; nextCursor: string | null }>(`/api/search?${params}`);
    setResults(more && results ? { ...found, items: [...results.items, ...found.items], contacts: results.contacts } : found);
    announce(`${found.items.length} results`);
  }

  async function openFile(matterId: string, more = false) {
    setFileMatter(matterId);
    const cursor = more && file?.nextCursor ? `&cursor=${enc(file.nextCursor)}` : '';
    const page = await get<{ matter: any; items: any[]; nextCursor: string | null }>(`/api/matters/${enc(matterId)}/file?limit=200${cursor}`);
    setFile(more && file ? { ...file, items: [...file.items, ...page.items], nextCursor: page.nextCursor } : { matterId, ...page });
  }

  async function loadReview(range = reviewRange) {
    const params = new URLSearchParams({ from: range.from, to: range.to });
    setReview({ by: range.by, query: params.toString(), report: await get(`/api/review/${range.by}?${params}`) });
  }

  useEffect(() => {
    document.title = 'Supervision – Matterline';
    get<{ items: { id: string; number: string; title: string }[] }>('/api/matters').then((found) => setMatters(found.items), fail);
    if (reviews) loadReview().catch(fail);
  }, []);

  const hold = (m: any) =>
    setAsking({
      title: m.legalHold ? `Lift the legal hold on ${m.number}` : `Place ${m.number} on legal hold`,
      label: m.legalHold ? 'Why is the hold lifted?' : 'Why is this matter put on legal hold?',
      action: m.legalHold ? 'Lift legal hold' : 'Place legal hold',
      run: async (reason) => {
        await api(m.legalHold ? 'DELETE' : 'POST', `/api/matters/${enc(file!.matterId)}/legal-hold`, { reason });
        announce(m.legalHold ? 'Legal hold lifted' : 'Legal hold placed');
        await openFile(file!.matterId);
      },
    });

  const matterOptions = matters.map((m) => (
    <option key={m.id} value={m.id}>
      {m.number} {m.title}
    </option>
  ));
  const party = (hit: any) => hit.contact?.displayName ?? hit.contact?.address ?? 'client';
  const r = review?.report;
  const byMatter = review?.by === 'matters';
  const widest = Math.max(1, ...((r?.rows as any[]) ?? []).map((row) => row.firstResponse.answeredWithinPromise + row.firstResponse.answeredLate + row.firstResponse.unansweredOverdue));

  return (
    <div class="supervision-page">
      <h1>Supervision</h1>
      {error ? (
        <p class="form-error" id="error" role="alert">
          {error}
        </p>
      ) : null}

      <section class="card" aria-labelledby="search-title">
        <h2 id="search-title">Search the record</h2>
        <form
          id="search-form"
          class="sv-filters"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            search(false).catch(fail);
          }}
        >
          <label>
            Search{' '}
            <input type="search" name="q" required minLength={2} maxLength={200} placeholder="settlement offer, a name, part of a number" value={query.q} onInput={(e) => setQuery({ ...query, q: e.currentTarget.value })} />
          </label>
          <label>
            Matter{' '}
            <select name="matter" value={query.matter} onChange={(e) => setQuery({ ...query, matter: e.currentTarget.value })}>
              <option value="">any</option>
              {matterOptions}
            </select>
          </label>
          <label>
            Direction{' '}
            <select name="direction" value={query.direction} onChange={(e) => setQuery({ ...query, direction: e.currentTarget.value })}>
              <option value="">both</option>
              <option value="inbound">from clients</option>
              <option value="outbound">from the firm</option>
            </select>
          </label>
          <label>
            From <input type="date" name="from" value={query.from} onInput={(e) => setQuery({ ...query, from: e.currentTarget.value })} />
          </label>
          <label>
            To <input type="date" name="to" value={query.to} onInput={(e) => setQuery({ ...query, to: e.currentTarget.value })} />
          </label>
          <label class="check">
            <input type="checkbox" name="privileged" checked={query.privileged === 'exclude'} onChange={(e) => setQuery({ ...query, privileged: e.currentTarget.checked ? 'exclude' : '' })} /> Leave out
            privileged messages
          </label>
          <button type="submit" class="primary">
            Search
          </button>
        </form>
        <SavedSearches
          query={query}
          canSave={results !== null}
          setError={setError}
          onRun={(saved) => {
            setQuery(saved);
            search(false, saved).catch(fail);
          }}
        />
        {results ? (
          <p>
            <a id="search-csv" href={`/api/search.csv?${searchParams(query)}`} download="">
              Download these results as CSV
            </a>{' '}
            ·{' '}
            <a id="search-rsmf" href={`/api/search.rsmf?${searchParams(query)}`} download="">
              as RSMF (privileged messages withheld)
            </a>
          </p>
        ) : null}
        <div id="contacts">
          {results && results.contacts.length > 0 ? (
            <p>
              Contacts:{' '}
              {results.contacts
                .map((c: any) => `${c.displayName ?? c.client?.name ?? ''} ${c.address}${c.conversations[0]?.matterNumber ? ` (${c.conversations[0].matterNumber})` : ''}`)
                .join(', ')}
            </p>
          ) : null}
        </div>
        <ol id="results" class="results">
          {results && results.items.length === 0 ? <li>Nothing found.</li> : null}
          {(results?.items ?? []).map((hit: any) => (
            <li key={hit.id}>
              <div class="meta">
                {when(hit.at)} · {hit.matter ? hit.matter.number : 'not filed'} ·{' '}
                {hit.direction === 'inbound' ? `from ${party(hit)}` : `to ${party(hit)}${hit.author ? ` by ${hit.author.name}` : ''}`}{' '}
                {hit.matter ? (
                  <button type="button" class="secondary" onClick={() => void openFile(hit.matter.id).catch(fail)}>
                    Open file
                  </button>
                ) : null}
              </div>
              <div>
                <Snippet html={hit.snippet} />
              </div>
              {(hit.attachments as any[]).map((a, index) => (
                <div class="file" key={index}>
                  📎 <Snippet html={a.fileNameHtml} />
                </div>
              ))}
            </li>
          ))}
        </ol>
        {results?.nextCursor ? (
          <button type="button" id="more-results" class="secondary" onClick={() => void search(true).catch(fail)}>
            More results
          </button>
        ) : null}
      </section>

      <section class="card" aria-labelledby="file-title">
        <h2 id="file-title">Matter file</h2>
        <form
          id="file-form"
          class="sv-filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (fileMatter) openFile(fileMatter).catch(fail);
          }}
        >
          <label>
            Matter{' '}
            <select name="matter" required value={fileMatter} onChange={(e) => setFileMatter(e.currentTarget.value)}>
              <option value="">Pick a matter</option>
              {matterOptions}
            </select>
          </label>
          <button type="submit" class="primary">
            Open
          </button>
        </form>
        <div id="file-heading">
          {file ? (
            <>
              <h3>
                {file.matter.number} — {file.matter.title}
              </h3>
              <p class="hint">Times are in the firm's time zone, {file.matter.timeZone}.</p>
              <p>
                {file.matter.client.name} · {file.matter.status} · {file.matter.members.map((x: any) => x.name).join(', ') || 'no members'}{' '}
                {file.matter.legalHold ? <span class="hold">On legal hold: {file.matter.legalHold.reason}</span> : null}
              </p>
              <p>
                <a href={`/api/matters/${enc(file.matterId)}/export`} download="">
                  Export the record (ZIP)
                </a>{' '}
                ·{' '}
                <a href={`/api/matters/${enc(file.matterId)}/transcript.pdf`} download="">
                  Transcript (PDF)
                </a>{' '}
                {user.role === 'supervisor' ? (
                  <button type="button" class={file.matter.legalHold ? 'secondary' : 'danger'} onClick={() => hold(file.matter)}>
                    {file.matter.legalHold ? 'Lift legal hold' : 'Place legal hold'}
                  </button>
                ) : null}
              </p>
              <ProductionPanel
                matterId={file.matterId}
                conversations={conversationChoices(file.matter.conversations)}
              />
            </>
          ) : null}
        </div>
        {file ? (
          <table tabIndex={0} id="timeline">
            <thead>
              <tr>
                <th>When</th>
                <th>What</th>
                <th>Who</th>
                <th>Details</th>
                <th>Privilege</th>
              </tr>
            </thead>
            <tbody>
              {file.items.map((item: any) => {
                const event = describeTimelineItem(item);
                return (
                  <tr key={`${item.kind}-${item.id}`} class={item.kind === 'note' ? 'note' : undefined}>
                    <td>{firmTime(item.at, file.matter.timeZone)}</td>
                    <td>{event.what}</td>
                    <td>{event.who}</td>
                    <td class="timeline-text">{event.detail}</td>
                    <td>
                      {item.kind === 'message' || item.kind === 'auto_reply' ? (
                        <PrivilegeActions
                          matterId={file.matterId}
                          message={item.data}
                          what={`the message of ${firmTime(item.at, file.matter.timeZone)}`}
                          marks={privilege.marks}
                          canMark={canMark}
                          onMark={setMarking}
                          onWithdraw={withdraw}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {file?.nextCursor ? (
          <button type="button" id="more-timeline" class="secondary" onClick={() => void openFile(file.matterId, true).catch(fail)}>
            Newer items
          </button>
        ) : null}
      </section>

      {reviews ? (
        <section class="card" aria-labelledby="review-title" id="review-section">
          <h2 id="review-title">File review</h2>
          <form
            id="review-form"
            class="sv-filters"
            onSubmit={(e) => {
              e.preventDefault();
              loadReview().catch(fail);
            }}
          >
            <DateRangeFields
              range={reviewRange}
              onRange={setReviewRange}
              by={[
                ['matters', 'matter'],
                ['lawyers', 'lawyer'],
              ]}
            />
            <button type="submit" class="primary">
              Show
            </button>
            <a id="review-csv" href={review ? `/api/review/${review.by}.csv?${review.query}` : '/api/review/matters.csv'}>
              Download CSV
            </a>
          </form>
          <div id="review-chart" class="review-chart" aria-hidden="true">
            {r ? (
              <>
                <div class="review-legend">
                  {[
                    ['within', 'Answered within the promise'],
                    ['late', 'Answered late'],
                    ['overdue', 'Unanswered, overdue'],
                  ].map(([kind, label]) => (
                    <span key={kind}>
                      <span class={`swatch ${kind}`} />
                      {label}
                    </span>
                  ))}
                </div>
                {(r.rows as any[]).map((row, index) => (
                  <div class="row" key={index}>
                    <span>{byMatter ? row.matter.number : row.lawyer.name}</span>
                    <div class="bars">
                      {(
                        [
                          ['within', row.firstResponse.answeredWithinPromise],
                          ['late', row.firstResponse.answeredLate],
                          ['overdue', row.firstResponse.unansweredOverdue],
                        ] as [string, number][]
                      ).map(([kind, value]) => (
                        <span key={kind} class={kind} title={`${kind}: ${value}`} style={{ width: `${(100 * value) / widest}%` }} />
                      ))}
                    </div>
                  </div>
                ))}
              </>
            ) : null}
          </div>
          <div id="review">
            {r ? (
              <>
                <p class="hint">First responses against the promised {r.promisedReplyMinutes} minutes.</p>
                <table tabIndex={0}>
                  <thead>
                    <tr>
                      {[byMatter ? 'Matter' : 'Lawyer', byMatter ? 'Messages' : 'Sent', 'After hours', 'Waits', 'Late', 'Overdue', 'Median min', 'No consent asked', 'Unbilled h', 'Group chats'].map((text, index) => (
                        <th key={text} class={index > 0 ? 'number' : undefined}>
                          {text}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {(r.rows as any[]).map((row, index) => (
                      <tr key={index}>
                        <td>{byMatter ? `${row.matter.number} ${row.matter.title}` : row.lawyer.name}</td>
                        {[
                          byMatter ? row.messages.total : row.messagesSent,
                          row.afterHoursInbound,
                          row.firstResponse.episodes,
                          row.firstResponse.answeredLate,
                          row.firstResponse.unansweredOverdue,
                          row.firstResponse.medianMinutes ?? '—',
                          row.withoutConsentAttempt.messages,
                          row.unbilled.hours.toFixed(1),
                          byMatter ? row.privilegeRisks.length : row.privilegeRisks,
                        ].map((value, i) => (
                          <td class="number" key={i}>
                            {String(value)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : null}
          </div>
        </section>
      ) : null}
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
      <PrivilegeDialog
        target={marking}
        onDone={(changed) => {
          setMarking(null);
          if (changed) privilege.reload().catch(fail);
        }}
      />
    </div>
  );
}
