import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Script,
  ScriptCreate,
  ScriptListQuery,
  ScriptPatch,
  ScriptPreview,
  ScriptPreviewRequest,
  ScriptSummary,
  Template,
  TemplateCreate,
  TemplateListQuery,
  TemplatePatch,
  TemplatePreview,
  TemplatePreviewRequest,
  TemplateVariable,
} from '../../../shared/contracts/scripts.ts';
import { TEMPLATE_VARIABLES } from '../../../shared/templating.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { ScriptsService } from './scripts.service.ts';
import type { TemplatesService } from './templates.service.ts';

export function scriptsRoutes(app: App, s: { templates: TemplatesService; scripts: ScriptsService }) {
  const tags = ['templates and scripts'];
  app.get(
    '/template-variables',
    {
      config: { access: 'templates.read' },
      schema: {
        tags,
        description: 'The variables a template or call script may use, as {{name}}; any other is refused.',
        response: { 200: Type.Object({ items: Type.Array(TemplateVariable) }) },
      },
    },
    async () => ({ items: TEMPLATE_VARIABLES.map((v) => ({ ...v, particular: v.particular ?? false })) }),
  );

  app.get(
    '/templates',
    {
      config: { access: 'templates.read' },
      schema: {
        tags,
        description:
          'Standard phrases, e-mail and SMS templates, by kind and name (archived ones on request).',
        querystring: TemplateListQuery,
        response: { 200: Type.Object({ items: Type.Array(Template) }) },
      },
    },
    async (req) => ({ items: await s.templates.list(req.query) }),
  );
  app.post(
    '/templates',
    {
      config: { access: 'templates.manage' },
      schema: {
        tags,
        description: 'A new template. Unknown {{variables}} are refused, naming the field.',
        body: TemplateCreate,
        response: { 201: Template },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.templates.create(actorOf(req), req.body);
    },
  );
  app.get(
    '/templates/:id',
    { config: { access: 'templates.read' }, schema: { tags, params: IdParams, response: { 200: Template } } },
    async (req) => s.templates.get(req.params.id),
  );
  app.patch(
    '/templates/:id',
    {
      config: { access: 'templates.manage' },
      schema: {
        tags,
        description: 'Edit a template, or archive it (active: false).',
        params: IdParams,
        body: TemplatePatch,
        response: { 200: Template },
      },
    },
    async (req) => s.templates.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/templates/:id/preview',
    {
      config: { access: 'templates.read' },
      schema: {
        tags,
        description:
          'The template filled with a real case, customer and officer: plain text, the variables used, and those missing or masked (particulars stay masked until the customer is verified on contactId).',
        params: IdParams,
        body: TemplatePreviewRequest,
        response: { 200: TemplatePreview },
      },
    },
    async (req) => s.templates.preview(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/scripts',
    {
      config: { access: 'templates.read' },
      schema: {
        tags,
        description: 'Call scripts by name (archived ones on request).',
        querystring: ScriptListQuery,
        response: { 200: Type.Object({ items: Type.Array(ScriptSummary) }) },
      },
    },
    async (req) => ({ items: await s.scripts.list(req.query) }),
  );
  app.post(
    '/scripts',
    {
      config: { access: 'templates.manage' },
      schema: {
        tags,
        description:
          'A new call script. Its graph is checked: every target exists, every step is reachable from the first and can reach an end.',
        body: ScriptCreate,
        response: { 201: Script },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.scripts.create(actorOf(req), req.body);
    },
  );
  app.get(
    '/scripts/:id',
    { config: { access: 'templates.read' }, schema: { tags, params: IdParams, response: { 200: Script } } },
    async (req) => s.scripts.get(req.params.id),
  );
  app.patch(
    '/scripts/:id',
    {
      config: { access: 'templates.manage' },
      schema: {
        tags,
        description: 'Edit a call script (steps are replaced as a whole), or archive it.',
        params: IdParams,
        body: ScriptPatch,
        response: { 200: Script },
      },
    },
    async (req) => s.scripts.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/scripts/:id/preview',
    {
      config: { access: 'templates.read' },
      schema: {
        tags,
        description: 'Every step (or stepId only) filled with a real case, customer and officer.',
        params: IdParams,
        body: ScriptPreviewRequest,
        response: { 200: ScriptPreview },
      },
    },
    async (req) => s.scripts.preview(actorOf(req), req.params.id, req.body),
  );
}
