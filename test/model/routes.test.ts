import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { buildModel } from '../../src/model/build.js';
import { resolveRoutes, summarizeRoutes, type RouteFileSummary } from '../../src/model/routes/index.js';
import type { Language } from '../../src/model/types.js';
import { parseSource, prepareParsers } from '../../src/parse/parser.js';

/** Builds route summaries of in-memory files and returns one line per resolved route. */
function describeProject(files: Record<string, string>): string[] {
  const summaries: RouteFileSummary<null>[] = [];
  for (const [path, code] of Object.entries(files)) {
    const language = getLanguage(path);
    const tree = parseSource(code, language);
    try {
      const summary = summarizeRoutes<null>(buildModel(tree, code, path, language));
      if (summary) {
        summaries.push(summary);
      }
    } finally {
      tree.delete();
    }
  }
  return resolveRoutes(summaries).map((route) => {
    const chain = route.middleware.map((covering) => `${covering.level}:${covering.ref.path}`);
    return `${route.methods.join(',')} ${route.fullPath ?? '?'} [${chain.join(' ')}]`;
  });
}

function getLanguage(path: string): Language {
  if (path.endsWith('.py')) {
    return 'python';
  }
  return path.endsWith('.ts') ? 'typescript' : 'javascript';
}

before(async () => {
  await prepareParsers(['python', 'javascript', 'typescript']);
});

describe('route coverage for Express', () => {
  test('route and app middleware in order', () => {
    const routes = describeProject({
      'app.js': `
const express = require('express');
const app = express();
app.use(helmet());
app.post('/login', limiter, login);
app.use(late);
`,
    });
    assert.deepEqual(routes, ['POST /login [mount:helmet route:limiter]']);
  });

  test('prefix mounts cover only their paths', () => {
    const routes = describeProject({
      'app.js': `
const express = require('express');
const app = express();
app.use('/auth', authLimiter);
app.use('/admin', adminOnly);
app.post('/auth/login', login);
app.post('/authors', createAuthor);
`,
    });
    assert.deepEqual(routes, ['POST /auth/login [mount:authLimiter]', 'POST /authors []']);
  });

  test('router in another file under a prefix', () => {
    const routes = describeProject({
      'src/app.js': `
const express = require('express');
const authRouter = require('./routes/auth');
const app = express();
app.use('/api', apiLimiter);
app.use('/api/auth', authRouter);
app.use(afterAll);
`,
      'src/routes/auth.js': `
const express = require('express');
const router = express.Router();
router.use(audit);
router.post('/login', login);
module.exports = router;
`,
    });
    assert.deepEqual(routes, ['POST /api/auth/login [mount:apiLimiter mount:audit]']);
  });

  test('middleware before the router in one mount', () => {
    const routes = describeProject({
      'app.js': `
const express = require('express');
const app = express();
const account = express.Router();
const billing = express.Router();
account.post('/mfa', verifyMfa);
billing.post('/export', exportInvoices);
app.use('/me', requireUser, [throttle(), audit], account, billing, trailing);
`,
    });
    assert.deepEqual(routes, [
      'POST /me/mfa [mount:requireUser mount:throttle mount:audit]',
      'POST /me/export [mount:requireUser mount:throttle mount:audit]',
    ]);
  });

  test('middleware after the router in one mount', () => {
    const routes = describeProject({
      'app.js': `
const express = require('express');
const app = express();
const profile = express.Router();
profile.post('/password', changePassword);
app.use('/profile', profile, lateLimiter);
`,
    });
    assert.deepEqual(routes, ['POST /profile/password []']);
  });

  test('ES module router with a default export', () => {
    const routes = describeProject({
      'src/app.ts': `
import express from 'express';
import users from './users.js';
const app = express();
app.use('/users', users);
`,
      'src/users.ts': `
import { Router } from 'express';
const usersRouter = Router();
usersRouter.get('/:id', show);
export default usersRouter;
`,
    });
    assert.deepEqual(routes, ['GET /users/:id []']);
  });

  test('routers mounted from a route table', () => {
    const routes = describeProject({
      'routes/index.js': `
const express = require('express');
const authRoute = require('./auth.route');
const router = express.Router();
const defaultRoutes = [{ path: '/auth', route: authRoute }];
defaultRoutes.forEach((route) => {
  router.use(route.path, route.route);
});
module.exports = router;
`,
      'routes/auth.route.js': `
const express = require('express');
const router = express.Router();
router.post('/login', login);
module.exports = router;
`,
      'app.js': `
const express = require('express');
const routes = require('./routes');
const app = express();
app.use('/v1/auth', authLimiter);
app.use('/v1', routes);
`,
    });
    assert.deepEqual(routes, ['POST /v1/auth/login [mount:authLimiter]']);
  });

  test('router mounted nowhere is an orphan', () => {
    const summaries: RouteFileSummary<null>[] = [];
    const code = `
const router = require('express').Router();
router.post('/login', login);
`;
    const tree = parseSource(code, 'javascript');
    summaries.push(summarizeRoutes<null>(buildModel(tree, code, 'auth.js', 'javascript'))!);
    tree.delete();
    const [route] = resolveRoutes(summaries);
    assert.equal(route?.isOrphan, true);
    assert.equal(route?.fullPath, '/login');
  });
});

describe('route coverage for Python', () => {
  test('Flask blueprint from a package', () => {
    const routes = describeProject({
      'app/__init__.py': `
from flask import Flask
from flask_limiter import Limiter
app = Flask(__name__)
limiter = Limiter(app, default_limits=["100 per hour"])
from app.auth import bp as auth_bp
app.register_blueprint(auth_bp, url_prefix='/auth')
`,
      'app/auth/__init__.py': `
from flask import Blueprint
bp = Blueprint('auth', __name__)
from app.auth import routes
`,
      'app/auth/routes.py': `
from app.auth import bp
@bp.route('/login', methods=['GET', 'POST'])
@limiter.limit("5 per minute")
def login():
    pass
`,
    });
    assert.deepEqual(routes, ['GET,POST /auth/login [mount:Limiter route:limiter.limit]']);
  });

  test('FastAPI routers with prefixes and dependencies', () => {
    const routes = describeProject({
      'app/main.py': `
from fastapi import FastAPI
from app.api.main import api_router
app = FastAPI()
app.include_router(api_router, prefix="/api/v1")
`,
      'app/api/main.py': `
from fastapi import APIRouter
from app.api.routes import login
api_router = APIRouter()
api_router.include_router(login.router, dependencies=[Depends(audit)])
`,
      'app/api/routes/login.py': `
from fastapi import APIRouter
router = APIRouter(prefix="/login", tags=["login"], dependencies=[Depends(RateLimiter(times=5))])
@router.post("/access-token")
def login_access_token():
    pass
`,
    });
    assert.deepEqual(routes, ['POST /api/v1/login/access-token [mount:audit owner:RateLimiter]']);
  });

  test('Django include and views in another module', () => {
    const routes = describeProject({
      'project/urls.py': `
from django.urls import path, include
urlpatterns = [path('accounts/', include('accounts.urls'))]
`,
      'accounts/urls.py': `
from django.urls import path
from . import views
from .views import LoginView
urlpatterns = [
    path('login/', LoginView.as_view()),
    path('reset/', views.reset),
]
`,
      'accounts/views.py': `
from django.views import View
from django_ratelimit.decorators import ratelimit
class LoginView(View):
    def post(self, request):
        pass
@ratelimit(key='ip', rate='5/m')
def reset(request):
    pass
`,
      'project/settings.py': `
REST_FRAMEWORK = {"DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"]}
`,
    });
    assert.deepEqual(routes, [
      'POST /accounts/login [global:rest_framework.throttling.AnonRateThrottle]',
      '* /accounts/reset [global:rest_framework.throttling.AnonRateThrottle route:ratelimit]',
    ]);
  });
});

describe('route coverage for other frameworks', () => {
  test('Fastify plugin registered with a prefix', () => {
    const routes = describeProject({
      'server.js': `
const fastify = require('fastify')();
fastify.register(require('@fastify/rate-limit'), { max: 100 });
fastify.register(require('./auth'), { prefix: '/auth' });
`,
      'auth.js': `
module.exports = async function authRoutes(app) {
  app.post('/login', async () => 'ok');
};
`,
    });
    assert.deepEqual(routes, ['POST /auth/login [mount:@fastify/rate-limit]']);
  });

  test('NestJS global guard and controller guard', () => {
    const routes = describeProject({
      'src/app.module.ts': `
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
@Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })
export class AppModule {}
`,
      'src/auth.controller.ts': `
import { Controller, Post, UseGuards } from '@nestjs/common';
@Controller('auth')
@UseGuards(JwtGuard)
export class AuthController {
  @Post('login')
  login() {}
}
`,
    });
    assert.deepEqual(routes, ['POST /auth/login [global:ThrottlerGuard route:JwtGuard]']);
  });

  test('Next.js middleware with a matcher', () => {
    const routes = describeProject({
      'middleware.ts': `
export function middleware(request) {
  return limit(request);
}
export const config = { matcher: '/api/auth/:path*' };
`,
      'pages/api/auth/login.ts': `
export default function handler(req, res) {}
`,
      'pages/api/export.ts': `
export default function handler(req, res) {}
`,
    });
    assert.deepEqual(routes, ['* /api/auth/login [global:middleware]', '* /api/export []']);
  });
});
