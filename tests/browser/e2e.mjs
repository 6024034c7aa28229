// The attendee's path through seminard in a real browser (Debian's Chromium, headless, driven by playwright-core):
// open the seminar page, submit the form once with mistakes and once right, land on the confirmation page, download
// the invite, cancel in two steps; axe-core checks every page against WCAG 2.1 A and AA. Starts its own seminard (demo data, temporary database, ephemeral port) and keeps
// a screenshot of every page in the artifacts directory.
//
//   node e2e.mjs --server path/to/seminard --artifacts dir [--chromium /usr/bin/chromium]
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const serverBinary = args.server;
const artifacts = args.artifacts ?? 'browser-artifacts';
const chromiumPath = args.chromium ?? '/usr/bin/chromium';
const slug = 'linkedin-marketing-fuer-unternehmen';
const adminToken = 'browser-test-organiser-token-0123456789';
const deadlineMs = 120_000;

assert.ok(serverBinary, 'usage: node e2e.mjs --server path/to/seminard --artifacts dir');
mkdirSync(artifacts, { recursive: true });

/** Starts seminard and resolves with its base URL once it prints the listening line. */
function startServer(dir) {
  const child = spawn(
    serverBinary,
    // The clock is fixed, so that the demo's next date is 27./28. January 2027 whenever the test runs.
    ['--listen', '127.0.0.1:0', '--db', join(dir, 'seminard.db'), '--demo', '--no-access-log',
     '--clock-start', '2026-12-02T10:00:00+01:00'],
    { env: { ...process.env, SEMINARD_ADMIN_TOKEN: adminToken }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`seminard did not start: ${out}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`seminard exited early with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/seminard listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
  });
}

async function api(base, path) {
  const res = await fetch(base + path, { headers: { Authorization: `Bearer ${adminToken}` } });
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.json();
}

/** Every visible form control has a label a screen reader announces. */
async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.closest('[aria-hidden="true"]'))
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
      .map((el) => el.name),
  );
  assert.deepEqual(unlabelled, [], 'inputs without a label');
}

const axeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js'), 'utf8');

/** No WCAG 2.1 A/AA violation that axe-core finds. Evaluated through the DevTools protocol: our CSP stays as it is. */
async function assertAccessible(page, what) {
  await page.evaluate(`${axeSource};0`);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(violations, [], `accessibility violations on ${what}`);
}

/** Readable on a phone: nothing wider than the screen. */
async function assertNoHorizontalScroll(page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `page scrolls sideways (${scrollWidth} > ${clientWidth})`);
}

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'seminard-browser-'));
  const { child, base } = await startServer(dir);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // As root in a sandbox with a closed network: no Chrome sandbox, no background connections to Google.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const consoleErrors = [];
  try {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      locale: 'de-DE',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    // The 422 of the form with mistakes is expected; any other failed load (a missing asset) is a defect.
    page.on('console', (msg) => msg.type() === 'error' && !/status of 422/.test(msg.text()) && consoleErrors.push(msg.text()));
    page.on('response', (res) => res.status() >= 400 && res.status() !== 422 && consoleErrors.push(`${res.status()} ${res.url()}`));
    page.on('pageerror', (err) => consoleErrors.push(String(err)));

    const published = await (await fetch(`${base}/api/v1/seminars/${slug}`)).json();
    const dateId = published.dates.find((d) => d.registration_open).id;

    // 1. The seminar page, German, with the next date written the German way.
    const seminarUrl = `${base}/seminars/${slug}`;
    const first = await page.goto(seminarUrl);
    assert.equal(first.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.match(await page.locator('h1').innerText(), /LinkedIn Marketing für Unternehmen/);
    const body = await page.locator('main').innerText();
    assert.match(body, /27\.\/28\. Januar 2027, 09:00–17:00 Uhr/);
    assert.match(body, /12 Plätze/);
    assert.ok((await page.locator('link[rel=stylesheet]').count()) === 1, 'one stylesheet');
    // Our stylesheet was loaded and applied (the CSP let it through): its custom property is defined.
    const ink = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--ink').trim());
    assert.equal(ink, '#1c2430');
    // The seminar asks for an optional billing address and its own questions (the demo's).
    assert.equal(await page.locator('#billing-address legend').innerText(), 'Rechnungsanschrift (optional)');
    assert.equal(await page.locator('select[name="billing[country]"]').inputValue(), 'DE');
    assert.equal(await page.locator('input[name="answers[schwerpunkt]"]').count(), 3);
    await assertLabelled(page);
    await assertAccessible(page, 'the seminar page');
    await assertNoHorizontalScroll(page);
    await page.screenshot({ path: join(artifacts, '01-seminar.png'), fullPage: true });

    // 2. A submission with mistakes: no consent, a broken e-mail. The page comes back with the values kept.
    const form = page.locator('form#anmelden');
    const openDate = form.locator('input[name=date_id]:not([disabled])');
    assert.equal(await openDate.count(), 1, 'exactly one open date (the past one is not offered)');
    await openDate.check();
    await form.locator('#first_name').fill('Anna');
    await form.locator('#last_name').fill('Müller-Lüdenscheidt');
    await form.locator('#email').evaluate((el) => el.setAttribute('type', 'text')); // let the server judge it
    await form.locator('#email').fill('anna.mueller@');
    await form.locator('#company').fill('Beispiel GmbH & Co. KG');
    // A billing address begun but not finished, and two answers.
    await form.locator('[id="billing.company"]').fill('Beispiel GmbH & Co. KG');
    await form.locator('[id="billing.postal_code"]').fill('8033');
    await form.locator('input[name="answers[schwerpunkt]"][value="social_selling"]').check();
    await form.locator('textarea[name="answers[fragen]"]').fill('Wie oft posten?\nUnd wann?');
    await form.locator('#first_name').evaluate((el) => el.form.setAttribute('novalidate', '')); // server-side errors
    const [errorResponse] = await Promise.all([
      page.waitForNavigation(),
      form.locator('button[type=submit], input[type=submit]').click(),
    ]);
    assert.equal(errorResponse.status(), 422);
    const summary = page.locator('[role=alert]');
    assert.ok(await summary.isVisible(), 'error summary shown');
    assert.equal(await page.locator('#email').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#privacy_consent').getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('#email-error').isVisible());
    assert.equal(await page.locator('#first_name').inputValue(), 'Anna');
    assert.equal(await page.locator('#last_name').inputValue(), 'Müller-Lüdenscheidt');
    assert.equal(await page.locator('#company').inputValue(), 'Beispiel GmbH & Co. KG');
    assert.equal(await page.locator('#email').inputValue(), 'anna.mueller@');
    assert.equal(await page.locator('[id="billing.postal_code"]').getAttribute('aria-invalid'), 'true');
    assert.ok(await page.locator('[id="billing.street-error"]').isVisible(), 'the missing street is named');
    assert.ok(await page.locator('input[name="answers[schwerpunkt]"][value="social_selling"]').isChecked());
    assert.equal(await page.locator('textarea[name="answers[fragen]"]').inputValue(), 'Wie oft posten?\nUnd wann?');
    await assertLabelled(page);
    await assertAccessible(page, 'the form with mistakes');
    await page.screenshot({ path: join(artifacts, '02-form-errors.png'), fullPage: true });

    // 3. Corrected and sent: a 303 to the confirmation page behind the private link.
    await page.locator('#email').fill('anna.mueller@example.org');
    await page.locator('#privacy_consent').check();
    await page.locator('[id="billing.street"]').fill('Hauptstraße 1');
    await page.locator('[id="billing.postal_code"]').fill('80331');
    await page.locator('[id="billing.city"]').fill('München');
    await page.locator('[id="billing.vat_id"]').fill('DE 123 456 789');
    if (!(await page.locator('input[name=date_id]:checked').count())) await page.locator('input[name=date_id]:not([disabled])').check();
    await Promise.all([
      page.waitForURL(/\/registrations\/[A-Za-z0-9_-]{28}/),
      page.locator('form#anmelden button[type=submit], form#anmelden input[type=submit]').click(),
    ]);
    const confirmationUrl = page.url();
    const token = confirmationUrl.match(/\/registrations\/([A-Za-z0-9_-]{28})/)[1];
    const confirmation = await page.locator('main').innerText();
    assert.match(confirmation, /Ihre Anmeldung ist bestätigt/);
    assert.match(confirmation, /27\.\/28\. Januar 2027/);
    const registrations = await api(base, `/api/v1/dates/${dateId}/registrations`);
    assert.equal(registrations.items.length, 1);
    const code = registrations.items[0].code;
    assert.ok(confirmation.includes(code), 'the code is shown');
    assert.equal(registrations.items[0].last_name, 'Müller-Lüdenscheidt');
    assert.equal(registrations.items[0].billing.vat_id, 'DE123456789');
    assert.deepEqual(registrations.items[0].answers.schwerpunkt, ['social_selling']);
    assert.match(confirmation, /Social Selling/);
    assert.match(confirmation, /80331 München/);
    await assertAccessible(page, 'the confirmation page');
    await assertNoHorizontalScroll(page);
    await page.screenshot({ path: join(artifacts, '03-confirmation.png'), fullPage: true });

    // 4. "Zum Kalender hinzufügen" downloads the personal invite.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Zum Kalender hinzufügen/ }).click(),
    ]);
    const icsPath = join(dir, 'invite.ics');
    await download.saveAs(icsPath);
    const ics = readFileSync(icsPath, 'utf8');
    assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
    assert.match(ics, /\r\nMETHOD:REQUEST\r\n/);
    assert.match(ics, /\r\nSTATUS:CONFIRMED\r\n/);
    assert.ok(!ics.includes(token), 'the private token is not in calendar data');
    assert.match(download.suggestedFilename(), /\.ics$/);

    // 4b. "Meine Daten ansehen": the stored data as a page (axe-checked), and the same as a JSON download.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Meine Daten ansehen/ }).click()]);
    const ownData = await page.locator('main').innerText();
    assert.match(ownData, /Ihre gespeicherten Daten/);
    assert.ok(ownData.includes(code), 'the own-data page names the registration');
    assert.match(ownData, /Einwilligung/i);  // the terms are set in capitals
    await assertAccessible(page, 'the own-data page');
    await assertNoHorizontalScroll(page);
    await page.screenshot({ path: join(artifacts, '03b-own-data.png'), fullPage: true });
    const [dataDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Als Datei herunterladen/ }).click(),
    ]);
    const dataPath = join(dir, 'meine-daten.json');
    await dataDownload.saveAs(dataPath);
    const exported = JSON.parse(readFileSync(dataPath, 'utf8'));
    assert.equal(exported.registrations[0].code, code);
    assert.ok(!readFileSync(dataPath, 'utf8').includes(token), 'the private token is not in the file');
    await Promise.all([page.waitForURL(confirmationUrl), page.getByRole('link', { name: /Zurück zur Anmeldung/ }).click()]);

    // 5. Cancel: the button asks first, then cancels.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Anmeldung stornieren/ }).click()]);
    assert.match(await page.locator('main').innerText(), /wirklich stornieren/);
    assert.equal((await api(base, `/api/v1/dates/${dateId}/registrations`)).items[0].status, 'confirmed', 'the first step cancels nothing');
    await page.screenshot({ path: join(artifacts, '04-cancel-step.png'), fullPage: true });
    await Promise.all([page.waitForURL(confirmationUrl), page.getByRole('button', { name: /Ja, verbindlich stornieren/ }).click()]);
    assert.match(await page.locator('main').innerText(), /storniert/);
    assert.equal(await page.getByRole('button', { name: /Anmeldung stornieren/ }).count(), 0);
    assert.equal((await api(base, `/api/v1/dates/${dateId}/registrations`)).items[0].status, 'cancelled');
    await page.screenshot({ path: join(artifacts, '05-cancelled.png'), fullPage: true });

    // The mails of both changes are in the outbox.
    const outbox = await api(base, `/api/v1/outbox?registration=${code}`);
    assert.deepEqual(outbox.items.map((m) => m.kind), ['registered', 'cancelled']);

    // 6. A company booking without JavaScript: one more row by a button, two colleagues, the booker's page.
    await page.goto(`${seminarUrl}/firmenbuchung`);
    await assertLabelled(page);
    await assertAccessible(page, 'the company booking form');
    await page.locator('input[name=date_id]:not([disabled])').check();
    await page.locator('[id="booker.first_name"]').fill('Bernd');
    await page.locator('[id="booker.last_name"]').fill('Bucher');
    await page.locator('[id="booker.email"]').fill('einkauf@beispiel.example');
    await page.locator('[id="booker.company"]').fill('Beispiel GmbH');
    await page.locator('[id="attendees[0].first_name"]').fill('Clara');
    await page.locator('[id="attendees[0].last_name"]').fill('Kollegin');
    await page.locator('[id="attendees[0].email"]').fill('clara@beispiel.example');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Weitere Teilnehmende hinzufügen/ }).click()]);
    assert.equal(await page.locator('[id="attendees[0].first_name"]').inputValue(), 'Clara', 'kept after adding a row');
    assert.equal(await page.locator('[id="attendees[2].email"]').count(), 1, 'a third row');
    await page.locator('[id="attendees[2].first_name"]').fill('Dieter');
    await page.locator('[id="attendees[2].last_name"]').fill('Kollege');
    await page.locator('[id="attendees[2].email"]').fill('dieter@beispiel.example');
    await page.locator('#privacy_consent').check();
    await Promise.all([
      page.waitForURL(/\/bookings\/[A-Za-z0-9_-]{28}/),
      page.getByRole('button', { name: /Verbindlich buchen/ }).click(),
    ]);
    const bookingPage = await page.locator('main').innerText();
    assert.match(bookingPage, /Ihre Firmenbuchung/);
    assert.match(bookingPage, /Clara Kollegin/);
    assert.match(bookingPage, /Dieter Kollege/);
    await assertLabelled(page);
    await assertAccessible(page, "the booker's page");
    await assertNoHorizontalScroll(page);
    await page.screenshot({ path: join(artifacts, '06-booking.png'), fullPage: true });

    // The booker names a substitute for Clara without JavaScript: a mistake first (the page again, her form open
    // with the values kept), then the seat is Erika's.
    const claraRow = page.locator('li.attendee', { hasText: 'Clara Kollegin' });
    await claraRow.locator('summary').click();
    await claraRow.locator('input[name=first_name]').fill('Erika');
    await claraRow.locator('input[name=last_name]').fill('Ersatz');
    await claraRow.locator('input[name=email]').evaluate((el) => el.setAttribute('type', 'text')); // let the server judge it
    await claraRow.locator('input[name=email]').fill('erika@');
    await Promise.all([page.waitForNavigation(), claraRow.getByRole('button', { name: /Platz übertragen/ }).click()]);
    assert.equal(await page.locator('[role=alert]').count(), 1, 'the summary heads the page');
    const again = page.locator('li.attendee', { hasText: 'Clara Kollegin' });
    assert.equal(await again.locator('input[name=first_name]').inputValue(), 'Erika', 'kept after a mistake');
    await assertLabelled(page);
    await assertAccessible(page, "the booker's page with a substitute's mistake");
    await again.locator('input[name=email]').fill('erika@beispiel.example');
    await Promise.all([
      page.waitForURL(/\/bookings\/[A-Za-z0-9_-]{28}$/),
      again.getByRole('button', { name: /Platz übertragen/ }).click(),
    ]);
    const substituted = await page.locator('main').innerText();
    assert.match(substituted, /Erika Ersatz/);
    assert.doesNotMatch(substituted, /Clara Kollegin/);
    await page.screenshot({ path: join(artifacts, '06b-booking-substitute.png'), fullPage: true });

    // 6c. The workspace: the first owner made with the CLI (while the server runs), a page without a session leads
    // to the login, a wrong password is refused, the right one opens the overview; account page, a personal API
    // token, logout. axe-core checks each page.
    const made = spawnSync(serverBinary, ['user', 'add', 'chefin@beispiel.example', '--role', 'owner', '--db', join(dir, 'seminard.db')],
      { input: 'Browser-Test-Passwort-2027\n', encoding: 'utf8' });
    assert.equal(made.status, 0, `seminard user add: ${made.stdout}${made.stderr}`);
    await page.goto(`${base}/admin/account`);
    assert.match(page.url(), /\/admin\/login\?next=%2Fadmin%2Faccount$/);
    await assertLabelled(page);
    await assertAccessible(page, 'the workspace login');
    await page.getByLabel('E-Mail-Adresse').fill('chefin@beispiel.example');
    await page.getByLabel('Passwort').fill('falsch-falsch-falsch');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Anmelden' }).click()]);
    assert.match(await page.locator('[role=alert]').innerText(), /E-Mail-Adresse oder Passwort sind falsch/);
    await assertAccessible(page, 'the workspace login after a wrong password');
    await page.getByLabel('Passwort').fill('Browser-Test-Passwort-2027');
    await Promise.all([page.waitForURL(/\/admin\/account$/), page.getByRole('button', { name: 'Anmelden' }).click()]);
    const cookies = await context.cookies(`${base}/admin`);
    const session = cookies.find((c) => c.name === 'seminard_session');
    assert.ok(session && session.httpOnly && session.sameSite === 'Lax' && session.path === '/admin', 'a strict session cookie');
    await assertLabelled(page);
    await assertAccessible(page, 'the workspace account page');
    await page.getByLabel('Name des neuen Schlüssels').fill('Browser-Skript');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Schlüssel erstellen' }).click()]);
    const secret = await page.locator('code.secret').innerText();
    const viaToken = await fetch(`${base}/api/v1/outbox`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(viaToken.status, 200, 'the personal API token works');
    await assertAccessible(page, 'the workspace account page with a new token');
    await page.getByRole('link', { name: 'Übersicht' }).click();
    await page.waitForURL(/\/admin$/);
    assert.match(await page.locator('main').innerText(), /LinkedIn Marketing für Unternehmen/);
    await assertNoHorizontalScroll(page);
    await assertAccessible(page, 'the workspace overview');
    await page.screenshot({ path: join(artifacts, '09-workspace-overview.png'), fullPage: true });
    await page.getByRole('link', { name: 'Benutzer' }).click();
    await page.waitForURL(/\/admin\/users$/);
    await assertLabelled(page);
    await assertAccessible(page, 'the workspace users page');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Abmelden' }).click()]);
    assert.match(await page.locator('main').innerText(), /Sie sind abgemeldet/);
    await page.goto(`${base}/admin`);
    assert.match(page.url(), /\/admin\/login/, 'after logout the workspace asks for the login again');

    // 7. English on request, and the list of seminars.
    await page.goto(`${base}/?lang=en`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.locator('main').innerText(), /LinkedIn Marketing für Unternehmen/);
    await page.screenshot({ path: join(artifacts, '07-index-en.png'), fullPage: true });

    assert.deepEqual(consoleErrors, [], 'no errors in the browser console (e.g. blocked by the CSP)');

    // 8. Another site cannot show our form in a frame (clickjacking): Chromium refuses to render it.
    const framer = await context.newPage();
    await framer.setContent(`<!DOCTYPE html><iframe id="f" src="${seminarUrl}" width="400" height="400"></iframe>`);
    await framer.waitForTimeout(1500);
    const framed = framer.frames().find((f) => f !== framer.mainFrame());
    assert.ok(framed, 'the frame exists');
    const framedText = await framed.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    assert.ok(!framedText.includes('Jetzt anmelden'), `the seminar page rendered inside a foreign frame (${framed.url()})`);
    await framer.screenshot({ path: join(artifacts, '08-framed-refused.png') });
    await context.close();
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const timer = setTimeout(() => {
  console.error(`browser test: no result after ${deadlineMs / 1000} s`);
  process.exit(1);
}, deadlineMs);
run().then(
  () => {
    clearTimeout(timer);
    console.log(`browser test passed; screenshots in ${artifacts}`);
  },
  (err) => {
    clearTimeout(timer);
    console.error(err);
    process.exit(1);
  },
);
