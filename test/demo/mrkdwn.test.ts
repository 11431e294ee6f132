import { describe, expect, it } from 'vitest';
import { escapeHtml, formatSlackDate, type MrkdwnContext, renderMrkdwn } from '../../src/demo/render/mrkdwn.js';
import { escapeText, slackDate } from '../../src/slack/blocks/kit.js';

const NAMES: Record<string, string> = { UALICE: 'Alice Martin', UBRUNO: 'Bruno Costa' };

function ctx(timeZone = 'Europe/Berlin', now = '2026-01-05T08:00:00Z'): MrkdwnContext {
  return {
    timeZone,
    now: new Date(now),
    userName: (id) => NAMES[id],
    channelName: (id) => (id === 'CTEAM' ? 'product-team' : undefined),
    internalLink: (url) => (url.startsWith('https://northwind.slack.com/') ? '#go=inside' : undefined),
  };
}

const render = (text: string, c: MrkdwnContext = ctx()) => renderMrkdwn(text, c);

describe('mrkdwn as the reader sees it', () => {
  it('renders bold, italic, strike and inline code', () => {
    expect(render('*Check in* _now_ ~never~ `/alliance help`')).toBe(
      '<b>Check in</b> <i>now</i> <s>never</s> <code>/alliance help</code>',
    );
  });

  it('leaves markers inside words and lone markers alone', () => {
    expect(render('snake_case_name and 2*3*4 and a * b')).toBe('snake_case_name and 2*3*4 and a * b');
  });

  it('nests styles and styles next to punctuation', () => {
    expect(render('(*bold _and italic_*), “*quoted*”.')).toBe('(<b>bold <i>and italic</i></b>), “<b>quoted</b>”.');
  });

  it('keeps formatting out of code', () => {
    expect(render('`*not bold*` and ```*not bold either*\n<@UALICE>```')).toBe(
      '<code>*not bold*</code> and <pre class="mk-pre">*not bold either*\n&lt;@UALICE&gt;</pre>',
    );
  });

  it('turns lines starting with > into a quote, and breaks lines', () => {
    expect(render('Reasons given:\n> “Our roles changed”\n>Second line\nAfter')).toBe(
      'Reasons given:<blockquote>“Our roles changed”<br>Second line</blockquote>After',
    );
  });

  it('shows mentions by name and channels by name', () => {
    expect(render('<@UALICE> started it in <#CTEAM>; <@UNKNOWN|someone> too')).toBe(
      '<span class="mk-mention" data-user="UALICE">@Alice Martin</span> started it in ' +
        '<span class="mk-mention mk-channel" data-channel="CTEAM">#product-team</span>; ' +
        '<span class="mk-mention" data-user="UNKNOWN">@someone</span> too',
    );
  });

  it('renders links with their labels, and links to this workspace inside the page', () => {
    expect(render('<https://example.com/a?b=1&amp;c=2|Read it> <https://northwind.slack.com/archives/C1/p1|v1>')).toBe(
      '<a class="mk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">Read it</a> ' +
        '<a class="mk-link" href="#go=inside">v1</a>',
    );
  });

  it('does not link what is not a web address', () => {
    expect(render('<javascript:alert(1)|click me>')).toBe('click me');
  });

  it('shows escaped user text as text: <!channel> pings no one', () => {
    const typed = 'Quick reviews <!channel> & <@UALICE> <script>alert(1)</script>';
    const html = render(`> “${escapeText(typed)}”`);
    expect(html).toBe(
      '<blockquote>“Quick reviews &lt;!channel&gt; &amp; &lt;@UALICE&gt; &lt;script&gt;alert(1)&lt;/script&gt;”</blockquote>',
    );
    expect(html).not.toContain('mk-mention');
  });

  it('shows a real broadcast as a highlighted mention', () => {
    expect(render('<!here> look')).toBe('<span class="mk-mention mk-broadcast">@here</span> look');
  });

  it('shows the emoji the app uses', () => {
    expect(render(':wave: :white_check_mark: :tada: :handshake: :hourglass_flowing_sand: :not_an_emoji:')).toBe(
      '👋 ✅ 🎉 🤝 ⏳ :not_an_emoji:',
    );
  });

  it('escapes quotes and angle brackets wherever text lands', () => {
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
    expect(render('he said "hi" & left')).toBe('he said &quot;hi&quot; &amp; left');
  });
});

describe('<!date…> in the reader’s own time zone', () => {
  const at = new Date('2026-01-08T09:00:00Z'); // Thursday 10:00 in Berlin

  it('formats every token Slack documents', () => {
    const c = ctx('Europe/Berlin', '2026-01-05T08:00:00Z');
    expect(formatSlackDate(at, '{date_num}|{date}|{date_short}|{date_long}|{time}|{time_secs}', c)).toBe(
      '2026-01-08|January 8th, 2026|Jan 8, 2026|Thursday, January 8th, 2026|10:00 AM|10:00:00 AM',
    );
    expect(formatSlackDate(at, '{ago}', c)).toBe('in 3 days');
  });

  it('says today, tomorrow or yesterday in the pretty formats, by the reader’s calendar', () => {
    expect(formatSlackDate(at, '{date_short_pretty} at {time}', ctx('Europe/Berlin', '2026-01-08T06:00:00Z'))).toBe(
      'today at 10:00 AM',
    );
    expect(formatSlackDate(at, '{date_pretty}', ctx('Europe/Berlin', '2026-01-07T12:00:00Z'))).toBe('tomorrow');
    expect(formatSlackDate(at, '{date_long_pretty}', ctx('Europe/Berlin', '2026-01-09T12:00:00Z'))).toBe('yesterday');
    // In Honolulu it is still Wednesday night when it is Thursday morning in Berlin.
    expect(formatSlackDate(at, '{date_short_pretty} at {time}', ctx('Pacific/Honolulu', '2026-01-07T20:00:00Z'))).toBe(
      'today at 11:00 PM',
    );
  });

  it('renders what the app sends, differently for readers in different zones', () => {
    const text = `The pulse is open until ${slackDate(at, '{date_short_pretty} at {time}')}.`;
    expect(render(text, ctx('Europe/Berlin'))).toBe(
      'The pulse is open until <time class="mk-date" datetime="2026-01-08T09:00:00.000Z">Jan 8, 2026 at 10:00 AM</time>.',
    );
    expect(render(text, ctx('America/Sao_Paulo'))).toContain('>Jan 8, 2026 at 6:00 AM</time>');
    expect(render(text, ctx('Asia/Kolkata'))).toContain('>Jan 8, 2026 at 2:30 PM</time>');
  });

  it('falls back to the text when the date cannot be read, and links dates that carry a link', () => {
    expect(render('<!date^soon^{date}|next week>')).toBe('next week');
    expect(render('<!date^1767862800^{date_num}^https://example.com|x>')).toBe(
      '<a class="mk-link" href="https://example.com" target="_blank" rel="noopener noreferrer"><time class="mk-date" datetime="2026-01-08T09:00:00.000Z">2026-01-08</time></a>',
    );
  });
});
