// A real OpenID Connect provider for tests/test_oidc.py: panva's oidc-provider (certified by the
// OpenID Foundation), with one static client, users with passwords, its own sign-in and consent
// pages and RP-initiated logout. Nothing here is a stub: Streamlit's st.login (Authlib) talks to it
// as it would to a gemeente's Keycloak or Entra ID, over discovery, the authorization code flow with
// PKCE, the token endpoint and the end-session endpoint.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "client": {client_id, client_secret, redirect_uris,
// post_logout_redirect_uris}, "users": [{"login", "password", "claims": {...}}]}.
// Port 0 takes a free port. Once listening, the one line "ready http://127.0.0.1:PORT" goes to
// stdout (the test reads the issuer from it). Every sign-in attempt is logged on stderr.

import http from 'node:http';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';

import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const users = new Map(config.users.map((user) => [user.login, user]));

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:24em;margin:3em auto}label,input,button{display:block;margin:.4em 0}</style>
</head><body><h1>${escape(title)}</h1>${body}</body></html>`;

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 10_000) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function samePassword(given, expected) {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Streamlit asks for prompt=select_account (as Google and Entra ID support it): the provider
// answers that prompt with its sign-in form, like the login prompt.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

let issuer; // known once the server listens (port 0 picks one)

function startProvider(url) {
  return new Provider(url, {
    clients: [{
      ...config.client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'assetmap_role'],
    },
    // Put the scope's claims in the ID token itself: Authlib (and so st.user) reads the ID token
    // and does not call the userinfo endpoint.
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // A fresh signing key for every run (the provider would otherwise warn about its built-in one).
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: randomBytes(8).toString('hex') }] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user.claims }) };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<pre id="error">${escape(JSON.stringify(out))}</pre>`);
    },
  });
}

function loginForm(uid, clientId, error) {
  return page('Sign in', `<p>to ${escape(clientId)}</p>
${error ? `<p id="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="login">User name</label><input id="login" name="login" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Cancel</button></form>`);
}

function consentForm(uid, clientId, details) {
  const scopes = (details.missingOIDCScope ?? []).map((s) => `<li>${escape(s)}</li>`).join('');
  return page('Allow access', `<p>${escape(clientId)} asks for:</p><ul id="scopes">${scopes}</ul>
<form method="post" action="/interaction/${escape(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Deny</button></form>`);
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction does not match its cookie');
  const { prompt, params } = details;
  const signIn = prompt.name === 'login' || prompt.name === 'select_account';

  if (req.method === 'GET' && !action) {
    if (signIn) return send(res, 200, loginForm(uid, params.client_id));
    if (prompt.name === 'consent') return send(res, 200, consentForm(uid, params.client_id, prompt.details));
    throw new Error(`unknown prompt ${prompt.name}`);
  }
  if (req.method !== 'POST') return send(res, 405, page('Error', '<p>method not allowed</p>'));

  if (action === 'abort') {
    return provider.interactionFinished(req, res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false });
  }
  if (action === 'login' && signIn) {
    const form = await readForm(req);
    const user = users.get(form.get('login'));
    if (!user || !samePassword(form.get('password'), user.password)) {
      process.stderr.write(`sign-in refused for ${JSON.stringify(form.get('login'))}\n`);
      return send(res, 200, loginForm(uid, params.client_id, 'Wrong user name or password.'));
    }
    process.stderr.write(`signed in ${user.login}\n`);
    return provider.interactionFinished(req, res,
      { select_account: {}, login: { accountId: user.login } },
      { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const { grantId, session: { accountId } } = details;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scope] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scope.join(' '));
    }
    const saved = await grant.save();
    return provider.interactionFinished(req, res,
      { consent: grantId ? {} : { grantId: saved } },
      { mergeWithLastSubmission: true });
  }
  return send(res, 400, page('Error', '<p>unexpected step</p>'));
}

let provider;
let handler;
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return handler(req, res);
  try {
    await interaction(provider, req, res, match[1], match[2]);
  } catch (err) {
    process.stderr.write(`interaction error: ${err.stack}\n`);
    if (!res.headersSent) send(res, 400, page('Error', `<pre id="error">${escape(err.message)}</pre>`));
  }
});

server.listen(config.port ?? 0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  provider = startProvider(issuer);
  handler = provider.callback();
  provider.on('server_error', (ctx, err) => process.stderr.write(`server_error: ${err.stack}\n`));
  process.stdout.write(`ready ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
