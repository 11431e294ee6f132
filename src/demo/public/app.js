// The demo page: a thin Slack client. The server renders what each person sees (from the Block
// Kit the app sent) to escaped HTML; this script shows it and turns clicks, submissions and typed
// commands into calls the server forwards to the app as signed Slack requests.

const params = new URLSearchParams(location.search);
const ui = {
  as: params.get('as') || 'UALICE',
  conversation: params.get('conversation') || 'CTEAM',
  thread: null,
  page: null,
  busy: false,
  modalKey: null,
  lastRevision: -1,
};

const $ = (id) => document.getElementById(id);
const esc = (text) => String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function setIfChanged(element, html) {
  if (element.dataset.html === html) return false;
  element.innerHTML = html;
  element.dataset.html = html;
  return true;
}

function toast(message, ok) {
  const box = $('toast');
  box.textContent = message;
  box.className = ok ? 'toast' : 'toast toast-error';
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    box.hidden = true;
  }, 6000);
}

async function post(path, body) {
  ui.busy = true;
  document.body.classList.add('busy');
  try {
    const res = await fetch(`/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ as: ui.as, ...body }),
    });
    const outcome = await res.json();
    if (outcome.message) toast(outcome.message, outcome.ok);
    return outcome;
  } catch (error) {
    toast(`The demo server did not answer: ${error.message}`, false);
    return { ok: false };
  } finally {
    ui.busy = false;
    document.body.classList.remove('busy');
    await refresh(true);
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering the state the server sends
// ---------------------------------------------------------------------------------------------

function personButton(p, current) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `person${p.id === current ? ' person-current' : ''}`;
  button.dataset.person = p.id;
  button.title = `${p.name} · ${p.city}, ${p.localTime}`;
  const avatar = document.createElement('span');
  avatar.className = 'avatar avatar-small';
  avatar.style.background = p.color;
  avatar.textContent = p.initials;
  const name = document.createElement('span');
  name.className = 'person-name';
  name.textContent = p.first;
  button.append(avatar, name);
  if (p.hasModal && p.id !== current) {
    button.classList.add('person-busy');
    button.title += ' · has a form open';
  }
  if (p.unread > 0 && p.id !== current) {
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = String(p.unread);
    button.append(badge);
  }
  return button;
}

function renderPeople(page) {
  const box = $('people');
  const key = JSON.stringify(page.people.map((p) => [p.id, p.unread, p.localTime, p.hasModal])) + page.viewer.id;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...page.people.map((p) => personButton(p, page.viewer.id)));
}

function renderClock(page) {
  $('clock-day').textContent = page.clock.day;
  $('clock-time').textContent = page.clock.time;
  $('clock-zone').textContent = `(${page.clock.zone})`;
  const next = page.clock.next;
  $('ctl-pulse').title = next.pulse ? `Jump to the next pulse: ${next.pulse}` : 'No pulse scheduled yet';
  $('ctl-close').title = next.close ? `Jump to when the open pulse closes: ${next.close}` : 'No pulse is open';
  $('ctl-digest').title = next.digest ? `Jump to the next weekly digest: ${next.digest}` : 'No digest scheduled yet';
  $('ctl-pulse').classList.toggle('ctl-idle', !next.pulse);
  $('ctl-close').classList.toggle('ctl-idle', !next.close);
  $('ctl-digest').classList.toggle('ctl-idle', !next.digest);
}

function renderSidebar(page) {
  const channels = page.sidebar.channels
    .map(
      (c) =>
        `<button type="button" class="sidebar-item${ui.conversation === c.id ? ' sidebar-current' : ''}${c.unread ? ' sidebar-unread' : ''}" data-conversation="${esc(c.id)}"><span class="sidebar-hash">#</span><span class="sidebar-name">${esc(c.name)}</span>${c.unread ? `<span class="badge">${c.unread}</span>` : ''}</button>`,
    )
    .join('');
  setIfChanged($('sidebar-channels'), channels);
  const app = $('sidebar-app');
  app.classList.toggle('sidebar-current', ui.conversation.startsWith('app-'));
  app.classList.toggle('sidebar-unread', page.sidebar.appUnread > 0);
  const badge = $('app-unread');
  badge.hidden = page.sidebar.appUnread === 0;
  badge.textContent = String(page.sidebar.appUnread);
  $('sidebar-footer').textContent = page.alliance
    ? `${page.alliance.name}: ${page.alliance.status}`
    : 'No alliance yet in #product-team';
}

function renderConversation(page, conversationChanged) {
  const c = page.conversation;
  $('conversation-title').textContent = c.title;
  $('conversation-subtitle').textContent = c.subtitle;
  const tabs = $('app-tabs');
  tabs.hidden = !c.id.startsWith('app-');
  for (const tab of tabs.querySelectorAll('.tab'))
    tab.classList.toggle('tab-current', tab.dataset.conversation === c.id);
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  if (setIfChanged(box, c.html) && (atBottom || conversationChanged)) box.scrollTop = box.scrollHeight;
  const composer = $('composer');
  composer.hidden = c.composer === null;
  $('composer-text').placeholder = c.composer ?? '';
  $('shortcuts').hidden = c.id === 'app-home';
}

function renderThread(page) {
  const open = page.thread !== null;
  $('thread').hidden = !open;
  $('guide').hidden = open;
  if (open) setIfChanged($('thread-body'), page.thread.html);
  else ui.thread = null;
}

function renderModal(page) {
  const overlay = $('overlay');
  const key = page.modal ? `${page.viewer.id}:${page.modal.id}:${page.modal.hash}` : null;
  if (key === ui.modalKey) return;
  ui.modalKey = key;
  if (!page.modal) {
    overlay.hidden = true;
    overlay.replaceChildren();
    return;
  }
  overlay.innerHTML = page.modal.html;
  overlay.hidden = false;
  const firstError = overlay.querySelector('.bk-has-error');
  (firstError ?? overlay.querySelector('.modal-body')).scrollIntoView({ block: 'nearest' });
}

function renderStory(page) {
  const box = $('story');
  box.hidden = !page.story;
  if (!page.story) return;
  const end = page.story.finished
    ? '<li class="story-end">Your turn: switch people, move the clock, press the buttons.</li>'
    : '';
  const html = page.story.steps.map((s) => `<li class="story-${esc(s.state)}">${esc(s.title)}</li>`).join('') + end;
  setIfChanged($('story-steps'), html);
}

function renderLog(page) {
  const log = $('log');
  const text = page.log.join('\n');
  if (log.textContent !== text) log.textContent = text;
}

async function refresh(force = false) {
  if (ui.busy && !force) return;
  const query = new URLSearchParams({ as: ui.as, conversation: ui.conversation });
  if (ui.thread) query.set('thread', ui.thread);
  let page;
  try {
    const res = await fetch(`/api/state?${query}`);
    page = await res.json();
  } catch {
    return;
  }
  const conversationChanged =
    !ui.page || ui.page.conversation.id !== page.conversation.id || ui.page.viewer.id !== page.viewer.id;
  ui.page = page;
  document.body.dataset.viewer = page.viewer.id;
  renderPeople(page);
  renderClock(page);
  renderSidebar(page);
  renderConversation(page, conversationChanged);
  renderThread(page);
  renderModal(page);
  renderStory(page);
  renderLog(page);
  document.body.dataset.revision = String(page.revision);
}

// ---------------------------------------------------------------------------------------------
// A modal's inputs, collected as Slack's client collects them (by block_id)
// ---------------------------------------------------------------------------------------------

function inputValue(block) {
  const type = block.dataset.type;
  if (type === 'checkboxes' || type.startsWith('multi_')) {
    return [...block.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);
  }
  if (type === 'radio_buttons') return block.querySelector('input[type=radio]:checked')?.value ?? null;
  const field = block.querySelector('input, select, textarea');
  if (!field || field.value === '') return null;
  if (type === 'datetimepicker') return Math.floor(new Date(field.value).getTime() / 1000);
  return field.value;
}

function collect(form) {
  const values = {};
  for (const block of form.querySelectorAll('.bk-input[data-block-id]'))
    values[block.dataset.blockId] = inputValue(block);
  return values;
}

function showFieldError(block, message) {
  block.classList.add('bk-has-error');
  let error = block.querySelector('.bk-error');
  if (!error) {
    error = document.createElement('div');
    error.className = 'bk-error';
    error.setAttribute('role', 'alert');
    block.append(error);
  }
  error.textContent = message;
}

/** What Slack's client refuses before sending: empty required fields, numbers out of range. */
function checkForm(form) {
  let ok = true;
  for (const block of form.querySelectorAll('.bk-input[data-block-id]')) {
    block.classList.remove('bk-has-error');
    block.querySelector('.bk-error')?.remove();
    const value = inputValue(block);
    const empty = value === null || (Array.isArray(value) && value.length === 0);
    if (block.dataset.required === 'true' && empty) {
      showFieldError(block, 'Please complete this required field.');
      ok = false;
      continue;
    }
    const number = block.querySelector('input[type=number]');
    if (number && number.value !== '') {
      const n = Number(number.value);
      const min = number.min === '' ? -Infinity : Number(number.min);
      const max = number.max === '' ? Infinity : Number(number.max);
      if (Number.isNaN(n) || n < min || n > max || (number.step === '1' && !Number.isInteger(n))) {
        showFieldError(
          block,
          number.step === '1'
            ? `Enter a whole number from ${number.min} to ${number.max}.`
            : `Enter a number from ${number.min} to ${number.max}.`,
        );
        ok = false;
      }
    }
  }
  if (!ok) form.querySelector('.bk-has-error')?.scrollIntoView({ block: 'center' });
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

function go(target) {
  // #go=CHANNEL:TS[:THREAD_TS], from a permalink the app sent.
  const [channel, ts, thread] = target.split(':');
  ui.conversation = channel.startsWith('D') ? 'app-messages' : channel;
  ui.thread = thread && thread !== ts ? thread : null;
  refresh(true).then(() => {
    const el = document.getElementById(`msg-${ts.replace('.', '-')}`);
    if (el) {
      el.scrollIntoView({ block: 'start' });
      el.classList.add('msg-highlight');
      setTimeout(() => el.classList.remove('msg-highlight'), 2000);
    }
  });
}

async function openConversation(id) {
  ui.conversation = id;
  ui.thread = null;
  if (id === 'app-home') await post('home', {});
  else await refresh(true);
}

document.addEventListener('click', async (event) => {
  const target = event.target.closest('button, a');
  if (!target) return;
  if (target.tagName === 'A') {
    const href = target.getAttribute('href') ?? '';
    if (href.startsWith('#go=')) {
      event.preventDefault();
      go(href.slice(4));
    }
    return;
  }
  const d = target.dataset;
  if (ui.busy && !d.person) return;
  if (d.person) {
    ui.as = d.person;
    ui.thread = null;
    if (ui.conversation === 'app-home') await post('home', {});
    else await refresh(true);
  } else if (d.conversation) {
    await openConversation(d.conversation);
  } else if (d.openThread) {
    ui.thread = d.openThread;
    await refresh(true);
  } else if (d.closeThread !== undefined) {
    ui.thread = null;
    await refresh(true);
  } else if (d.clock) {
    await post('clock', { step: d.clock });
  } else if (d.teammates) {
    await post('teammates', { do: d.teammates, mood: d.mood });
  } else if (d.fill) {
    const text = $('composer-text');
    text.value = d.fill;
    text.focus();
  } else if (d.closeView !== undefined) {
    const form = target.closest('form.modal');
    await post('close', { viewId: form.dataset.viewId, values: collect(form) });
  } else if (d.kind === 'button') {
    if (d.confirmTitle && !window.confirm(`${d.confirmTitle}\n\n${d.confirmText ?? ''}`)) return;
    const message = target.closest('.msg');
    const view = target.closest('[data-view-id]');
    if (message) {
      await post('click', {
        channel: message.dataset.channel,
        ts: message.dataset.ts,
        actionId: d.actionId,
        value: d.value,
      });
    } else if (view) {
      const form = target.closest('form.modal');
      await post('view-click', {
        viewId: view.dataset.viewId,
        actionId: d.actionId,
        value: d.value,
        values: form ? collect(form) : {},
      });
    }
  }
});

document.addEventListener('submit', async (event) => {
  const form = event.target;
  event.preventDefault();
  if (ui.busy) return;
  if (form.id === 'composer') {
    const text = $('composer-text');
    const value = text.value.trim();
    if (value === '') return;
    text.value = '';
    await post('type', { conversation: ui.conversation, text: value });
  } else if (form.classList.contains('modal')) {
    if (!checkForm(form)) return;
    form.querySelector('.modal-submit')?.classList.add('bk-loading');
    await post('submit', { viewId: form.dataset.viewId, values: collect(form) });
  }
});

$('composer-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && ui.page?.modal && !ui.busy) {
    const form = document.querySelector('form.modal');
    if (form) post('close', { viewId: form.dataset.viewId, values: collect(form) });
  }
});

refresh(true);
setInterval(() => {
  if (!document.hidden) refresh();
}, 1500);
