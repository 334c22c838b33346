// The automatic texts clients receive (consent request, confirmations, HELP, after hours), in English and Spanish side
// by side, with the variables each may use; an unknown variable is refused by the server in words.
import { useEffect, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { describeError, enc, get, put } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';

interface Template {
  kind: string;
  language: string;
  body: string;
  custom: boolean;
  variables: string[];
}

const templateLabels: Record<string, string> = {
  consent_request: 'Consent request',
  consent_confirmed: 'Consent confirmed',
  opted_out: 'Opted out (STOP)',
  help: 'Help (HELP)',
  after_hours: 'After-hours reply',
  back_open: 'Back-open note',
};
const languageNames: Record<string, string> = { en: 'English', es: 'Spanish' };

function TemplateForm({ template }: { template: Template }) {
  const [body, setBody] = useState(template.body);
  const [custom, setCustom] = useState(template.custom);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const id = `template-${template.kind}-${template.language}`;
  const label = `${templateLabels[template.kind] ?? template.kind} (${languageNames[template.language] ?? template.language})`;
  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    setSaved(false);
    try {
      await put(`/api/admin/templates/${enc(template.kind)}/${enc(template.language)}`, { body });
      setCustom(true);
      setSaved(true);
      announce(`${label} saved.`);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form class="template" data-kind={template.kind} data-language={template.language} onSubmit={(e) => void save(e)}>
      <label for={id}>{languageNames[template.language] ?? template.language}</label>
      <textarea id={id} rows={4} maxLength={1000} aria-describedby={`${id}-vars`} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      <p class="hint" id={`${id}-vars`}>
        Variables: {template.variables.map((v) => `{${v}}`).join(', ') || 'none'} · {body.length} characters
      </p>
      <ErrorLine text={error} />
      <div class="actions">
        <button type="submit" class="primary" aria-label={`Save ${label}`}>
          Save
        </button>
        <span class="hint" role="status">
          {saved ? 'Saved.' : custom ? 'Your firm’s text' : 'Default text'}
        </span>
      </div>
    </form>
  );
}

export function TemplatesAdmin() {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<Template[]>('/api/admin/templates').then(setTemplates, (caught: unknown) => setError(describeError(caught)));
  }, []);
  if (!templates) return error ? <ErrorLine text={error} /> : <p>Loading…</p>;
  const kinds = [...new Set(templates.map((t) => t.kind))];
  return (
    <div class="admin-body templates">
      <h2>Templates</h2>
      <p class="hint">The automatic texts clients receive. Variables in braces, like {'{firm}'}, are filled in when sent.</p>
      <ul class="card-list">
        {kinds.map((kind) => (
          <li key={kind} class="card">
            <h3>{templateLabels[kind] ?? kind}</h3>
            <div class="template-pair">
              {templates
                .filter((t) => t.kind === kind)
                .map((t) => (
                  <TemplateForm key={`${t.kind}-${t.language}`} template={t} />
                ))}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
