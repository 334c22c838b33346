// Desktop notifications, opt-in: new messages in one's conversations and urgent ones, when the person turned them on
// here and the browser allows them.
import { useState } from 'preact/hooks';
import { navigate } from '../router.js';

const key = 'matterline.desktopNotifications';
const supported = () => typeof Notification !== 'undefined';
const enabled = () => supported() && Notification.permission === 'granted' && localStorage.getItem(key) === 'on';

export function desktopNotify(title: string, body: string, conversationId: string): void {
  if (!enabled()) return;
  const shown = new Notification(title, { body: body.slice(0, 200), tag: `conversation-${conversationId}` });
  shown.onclick = () => {
    window.focus();
    navigate(`/inbox/${conversationId}`);
    shown.close();
  };
}

export function DesktopNotificationsToggle() {
  const [on, setOn] = useState(enabled());
  const [problem, setProblem] = useState('');
  if (!supported()) return null;
  const toggle = async () => {
    setProblem('');
    if (on) {
      localStorage.setItem(key, 'off');
      setOn(false);
      return;
    }
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    if (permission !== 'granted') {
      setProblem('The browser blocks notifications from this site: allow them in its site settings, then try again.');
      return;
    }
    localStorage.setItem(key, 'on');
    setOn(true);
  };
  return (
    <div class="desktop-notifications">
      <button type="button" class="link-button" aria-pressed={on} onClick={() => void toggle()}>
        {on ? 'Desktop notifications: on' : 'Turn on desktop notifications'}
      </button>
      {problem ? <p class="hint">{problem}</p> : null}
    </div>
  );
}
