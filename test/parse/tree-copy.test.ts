import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tree } from 'web-tree-sitter';
import { buildJavaScriptModel } from '../../src/model/javascript/index.js';
import { buildPythonModel } from '../../src/model/python/index.js';
import type { Language } from '../../src/model/types.js';
import {
  ALL_LANGUAGES,
  copyParsedTree,
  hasCursorBinding,
  parseSource,
  parseToSyntaxTree,
  prepareParsers,
} from '../../src/parse/parser.js';
import type { SyntaxNode, SyntaxTree } from '../../src/parse/syntax-node.js';
import { copyTree } from '../../src/parse/tree-copy.js';

await prepareParsers(ALL_LANGUAGES);

interface Sample {
  name: string;
  language: Language;
  path: string;
  code: string;
}

const SAMPLES: Sample[] = [
  {
    name: 'flask app with decorators, f-strings and a try',
    language: 'python',
    path: 'app.py',
    code: `
import logging
from flask import Flask, request, jsonify

app = Flask(__name__)
log = logging.getLogger(__name__)

@app.route("/login", methods=["POST"])
async def login(user: str = "x", *args, **kwargs) -> dict:
    """Docstring with é and 😀."""
    token = request.json["token"]  # comment
    try:
        log.info(f"login {user!r} {token:>10} {{literal}}")
    except (ValueError, KeyError) as err:
        return jsonify({"error": str(err), **kwargs}), 500
    finally:
        pass
    return {"ok": True}
`,
  },
  {
    name: 'python with syntax errors and CRLF',
    language: 'python',
    path: 'broken.py',
    code: 'def f(:\r\n    x = [1, 2\r\n    return x\r\nclass \r\nprint("é😀", y)\r\n',
  },
  {
    name: 'express app with a template literal and astral characters',
    language: 'javascript',
    path: 'server.js',
    code: `
const express = require('express');
const app = express();
// 😀 comment before code
app.post('/login', async (req, res, next) => {
  const { password, ...rest } = req.body;
  try {
    console.log(\`login \${rest.user} 😀 \${password}\`);
  } catch (err) {
    res.status(500).json({ error: err.message, stack: err.stack });
  }
});
export default class Handler { static async *run(a = 1) { yield a; } get x() { return 1; } }
`,
  },
  {
    name: 'javascript with missing tokens',
    language: 'javascript',
    path: 'broken.js',
    code: 'function f( { return a +; }\nconst x = [1, 2\nif (a) { b(',
  },
  {
    name: 'nestjs controller in typescript',
    language: 'typescript',
    path: 'auth.controller.ts',
    code: `
import { Controller, Post, Body, HttpCode } from '@nestjs/common';
type Login = { user: string; password: string };
@Controller('auth')
export class AuthController {
  constructor(private readonly service: AuthService) {}
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: Login): Promise<string> {
    const result = <string>this.service.login(body as Login)!;
    return result satisfies string;
  }
}
`,
  },
  {
    name: 'next.js route handler in tsx',
    language: 'tsx',
    path: 'app/api/login/route.tsx',
    code: `
export async function POST(request: Request) {
  const body = await request.json();
  const view = <div className="x">{body.user} é</div>;
  return Response.json({ view, ok: true }, { status: 200 });
}
`,
  },
];

/** Describes a node by what a caller can read of it, so two trees can be compared. */
function describe(node: SyntaxNode | null): string {
  if (!node) {
    return 'null';
  }
  const start = node.startPosition;
  const end = node.endPosition;
  const offsets = `${node.startIndex}-${node.endIndex}`;
  return `${node.type} ${offsets} ${start.row}:${start.column}-${end.row}:${end.column}`;
}

/**
 * Compares every node that web-tree-sitter's own API reaches with the copy, iteratively so that
 * deep trees are fine, and returns the first difference or null.
 */
function findDifference(tree: Tree, copy: SyntaxTree): string | null {
  const fields = tree.language.fields.filter((field): field is string => field !== null);
  const pending: [SyntaxNode, SyntaxNode][] = [[tree.rootNode, copy.rootNode]];
  while (pending.length > 0) {
    const [real, copied] = pending.pop()!;
    const checks: [string, string, string][] = [
      ['node', describe(real), describe(copied)],
      ['hasError', String(real.hasError), String(copied.hasError)],
      ['children', real.children.map(describe).join(','), copied.children.map(describe).join(',')],
      [
        'namedChildren',
        real.namedChildren.map(describe).join(','),
        copied.namedChildren.map(describe).join(','),
      ],
      ['child(0)', describe(real.child(0)), describe(copied.child(0))],
    ];
    for (const field of fields) {
      checks.push([
        `field ${field}`,
        describe(real.childForFieldName(field)),
        describe(copied.childForFieldName(field)),
      ]);
      checks.push([
        `fields ${field}`,
        real.childrenForFieldName(field).map(describe).join(','),
        copied.childrenForFieldName(field).map(describe).join(','),
      ]);
    }
    for (const [what, expected, actual] of checks) {
      if (expected !== actual) {
        return `${describe(real)}: ${what}: expected ${expected}, got ${actual}`;
      }
    }
    real.children.forEach((child, index) => pending.push([child, copied.children[index]!]));
  }
  return null;
}

function buildFrom(tree: SyntaxTree, sample: Sample): string {
  const model =
    sample.language === 'python'
      ? buildPythonModel(tree, sample.code, sample.path)
      : buildJavaScriptModel(tree, sample.code, sample.path, sample.language);
  return JSON.stringify(model);
}

test('tree copy: binding functions are found', () => {
  assert.equal(hasCursorBinding(), true);
});

for (const sample of SAMPLES) {
  test(`tree copy: nodes match, ${sample.name}`, () => {
    const tree = parseSource(sample.code, sample.language);
    try {
      assert.equal(findDifference(tree, copyParsedTree(tree, sample.code)), null);
    } finally {
      tree.delete();
    }
  });

  test(`tree copy: public cursor nodes match, ${sample.name}`, () => {
    const tree = parseSource(sample.code, sample.language);
    try {
      assert.equal(findDifference(tree, copyTree(tree, sample.code)), null);
    } finally {
      tree.delete();
    }
  });

  test(`tree copy: same model JSON, ${sample.name}`, () => {
    const tree = parseSource(sample.code, sample.language);
    try {
      const expected = buildFrom(tree, sample);
      assert.equal(buildFrom(copyParsedTree(tree, sample.code), sample), expected);
    } finally {
      tree.delete();
    }
  });
}

test('tree copy: syntax errors reach the root', () => {
  const copy = parseToSyntaxTree('def f(:\n', 'python');
  assert.equal(copy.rootNode.hasError, true);
});

test('tree copy: clean code has no error', () => {
  const copy = parseToSyntaxTree('def f():\n    return 1\n', 'python');
  assert.equal(copy.rootNode.hasError, false);
});

test('tree copy: node read twice is one object', () => {
  const copy = parseToSyntaxTree('f(a, b)\n', 'python');
  const statement = copy.rootNode.namedChildren[0]!;
  assert.equal(copy.rootNode.namedChildren[0], statement);
  assert.equal(copy.rootNode.child(0), statement);
});

test('tree copy: leaf children cannot be changed', () => {
  const copy = parseToSyntaxTree('x\n', 'python');
  const identifier = copy.rootNode.namedChildren[0]!.namedChildren[0]!;
  assert.equal(identifier.type, 'identifier');
  assert.throws(() => (identifier.children as SyntaxNode[]).push(identifier), TypeError);
});

test('tree copy: 5,000-deep nesting copies without overflow', () => {
  const depth = 5000;
  const code = `x = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
  let node: SyntaxNode | undefined = parseToSyntaxTree(code, 'python').rootNode;
  let levels = 0;
  while (node && node.type !== 'integer') {
    node = node.namedChildren[node.type === 'assignment' ? 1 : 0];
    levels++;
  }
  assert.equal(node?.type, 'integer');
  assert.ok(levels > depth, `expected more than ${depth} levels, got ${levels}`);
});
