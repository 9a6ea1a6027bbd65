import {
  KB_ATTACHMENT_BODY_LIMIT,
  KB_IMPORT_BODY_LIMIT,
} from '../../src/server/modules/knowledge/knowledge.routes.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Knowledge: articles, solutions, disseminations and policy flags: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const knowledgeValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/kb/articles',
      role: 'officer',
      valid: () => ({ title: 'Late fees', body: 'x', kind: 'billing' }),
      cases: [
        {
          name: 'missing every required field',
          body: {},
          fields: ['/body/title', '/body/body', '/body/kind'],
        },
        {
          name: 'a kind and audience that do not exist, a blank title',
          body: { title: '   ', body: 'x', kind: 'memo', audience: 'everyone' },
          fields: ['/body/title', '/body/kind', '/body/audience'],
        },
        {
          name: 'a slug with spaces, tags that repeat, a review date that is not a date',
          body: {
            title: 'Late fees',
            body: 'x',
            kind: 'faq',
            slug: 'late fees',
            tags: ['a', 'a'],
            reviewAt: 'soon',
          },
          fields: ['/body/slug', '/body/tags', '/body/reviewAt'],
        },
        {
          name: 'a slug another article has → 409 kb_article.slug_taken',
          body: { title: 'Late fees', body: 'x', kind: 'faq', slug: 'payment-extension' },
          status: 409,
          code: 'kb_article.slug_taken',
        },
      ],
    },
    {
      route: 'PATCH /api/v1/kb/articles/:id/draft',
      role: 'officer',
      id: () => v.fx.kbArticleId,
      valid: () => ({ body: 'Up to 21 days.' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'a title of two letters, tags not a list',
          body: { title: 'ab', tags: 'x' },
          fields: ['/body/title', '/body/tags'],
        },
        {
          name: 'a version in review cannot be edited → 409 kb_article.in_review',
          id: () => v.fx.kbReviewId,
          body: { body: 'changed' },
          status: 409,
          code: 'kb_article.in_review',
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/articles/:id/approve',
      role: 'team_leader',
      id: () => v.fx.kbReviewId,
      valid: () => ({ note: 'Agreed' }),
      cases: [
        { name: 'a note that is a number', body: { note: 1 }, fields: ['/body/note'] },
        {
          name: 'nothing in review → 409 kb_article.not_in_review',
          id: () => v.fx.kbArticleId,
          body: {},
          status: 409,
          code: 'kb_article.not_in_review',
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/articles/:id/reject',
      role: 'team_leader',
      id: () => v.fx.kbReviewId,
      valid: () => ({ note: 'Add the fee' }),
      cases: [
        { name: 'no note', body: {}, fields: ['/body/note'] },
        { name: 'a blank note', body: { note: '  ' }, fields: ['/body/note'] },
      ],
    },
    {
      route: 'POST /api/v1/kb/articles/:id/usage',
      role: 'officer',
      id: () => v.fx.kbArticleId,
      valid: () => ({ action: 'linked' }),
      cases: [
        {
          name: 'an action that does not exist, a bad case id',
          body: { action: 'liked', caseId: 'c1' },
          fields: ['/body/action', '/body/caseId'],
        },
        {
          name: 'an unknown case → 404 case.not_found',
          body: { action: 'answered', caseId: UNKNOWN },
          status: 404,
          code: 'case.not_found',
        },
        {
          name: 'an article never published → 404 kb_article.not_found',
          id: () => v.fx.kbReviewId,
          body: { action: 'viewed' },
          status: 404,
          code: 'kb_article.not_found',
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/articles/:id/attachments',
      role: 'officer',
      bodyLimit: KB_ATTACHMENT_BODY_LIMIT,
      id: () => v.fx.kbArticleId,
      valid: () => ({ filename: 'a.txt', contentType: 'text/plain', dataBase64: 'aGk=' }),
      cases: [
        {
          name: 'a path in the file name, a content type without a slash, data that is not base64',
          body: { filename: '../etc/passwd', contentType: 'text', dataBase64: '<script>' },
          fields: ['/body/filename', '/body/contentType', '/body/dataBase64'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/kb/synonyms',
      role: 'supervisor',
      valid: () => ({ groups: [['bill', 'invoice']] }),
      cases: [
        { name: 'a group of one', body: { groups: [['bill']] }, fields: ['/body/groups/0'] },
        { name: 'groups not a list', body: { groups: 'bill=invoice' }, fields: ['/body/groups'] },
        {
          name: 'a group of the same word twice',
          body: { groups: [['Bill', 'bill ']] },
          fields: ['/body/groups/0'],
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/preview',
      role: 'officer',
      valid: () => ({ body: '# Late fees' }),
      cases: [
        { name: 'no body', body: {}, fields: ['/body/body'] },
        { name: 'an empty body', body: { body: '' }, fields: ['/body/body'] },
      ],
    },
    {
      route: 'POST /api/v1/solutions',
      role: 'officer',
      valid: () => ({ problem: 'Bills arrive late', solution: 'Offer e-bills' }),
      cases: [
        { name: 'nothing', body: {}, fields: ['/body/problem', '/body/solution'] },
        {
          name: 'a blank problem, a case id that is not one',
          body: { problem: '  ', solution: 'x', caseId: 'c1' },
          fields: ['/body/problem', '/body/caseId'],
        },
        {
          name: 'an unknown case → 404 case.not_found',
          body: { problem: 'x', solution: 'y', caseId: UNKNOWN },
          status: 404,
          code: 'case.not_found',
        },
      ],
    },
    {
      route: 'POST /api/v1/solutions/:id/comments',
      role: 'officer',
      id: () => v.fx.solutionId,
      valid: () => ({ body: 'Agree' }),
      cases: [{ name: 'a blank comment', body: { body: ' ' }, fields: ['/body/body'] }],
    },
    {
      route: 'POST /api/v1/solutions/:id/agree',
      role: 'team_leader',
      id: () => v.fx.solutionId,
      valid: () => ({ title: 'Top up abroad', teamIds: [v.t.team.id] }),
      cases: [
        { name: 'no title, no teams', body: {}, fields: ['/body/title', '/body/teamIds'] },
        {
          name: 'an empty team list, a deadline of 90 days, a kind that does not exist',
          body: { title: 'Top up abroad', teamIds: [], acknowledgeWithinDays: 90, kind: 'memo' },
          fields: ['/body/teamIds', '/body/acknowledgeWithinDays', '/body/kind'],
        },
        {
          name: 'a team that does not exist',
          body: { title: 'Top up abroad', teamIds: [UNKNOWN] },
          fields: ['/body/teamIds/0'],
        },
        {
          name: 'already agreed → 409 solution.already_decided',
          id: () => v.fx.agreedSolutionId,
          body: () => ({ title: 'Again', teamIds: [v.t.team.id] }),
          status: 409,
          code: 'solution.already_decided',
        },
      ],
    },
    {
      route: 'POST /api/v1/solutions/:id/decline',
      role: 'team_leader',
      id: () => v.fx.solutionId,
      valid: () => ({ note: 'Not our policy' }),
      cases: [
        { name: 'no reason', body: {}, fields: ['/body/note'] },
        {
          name: 'already agreed → 409 solution.already_decided',
          id: () => v.fx.agreedSolutionId,
          body: { note: 'No' },
          status: 409,
          code: 'solution.already_decided',
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/articles/:id/disseminations',
      role: 'team_leader',
      id: () => v.fx.kbArticleId,
      valid: () => ({ teamIds: [v.t.team.id] }),
      cases: [
        { name: 'no teams', body: {}, fields: ['/body/teamIds'] },
        {
          name: 'the same team twice, a team id that is not one',
          body: { teamIds: ['x', 'x'] },
          fields: ['/body/teamIds', '/body/teamIds/0', '/body/teamIds/1'],
        },
        {
          name: 'an article never published → 404 kb_article.not_found',
          id: () => v.fx.kbReviewId,
          body: () => ({ teamIds: [v.t.team.id] }),
          status: 404,
          code: 'kb_article.not_found',
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/policy-flags',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({
        authorityId: v.t.users.supervisor.id,
        policy: 'No refunds',
        customerNeed: 'A refund',
        evidence: 'Receipt',
      }),
      cases: [
        {
          name: 'nothing',
          body: {},
          fields: ['/body/authorityId', '/body/policy', '/body/customerNeed', '/body/evidence'],
        },
        {
          name: 'an officer is not a higher authority',
          body: () => ({
            authorityId: v.t.users.officer.id,
            policy: 'No refunds',
            customerNeed: 'A refund',
            evidence: 'Receipt',
          }),
          fields: ['/body/authorityId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/policy-flags/:id/answer',
      role: 'team_leader',
      id: () => v.fx.policyFlagId,
      valid: () => ({ answer: 'Refund it' }),
      cases: [
        { name: 'a blank answer', body: { answer: '' }, fields: ['/body/answer'] },
        {
          name: 'someone other than the named authority → 403 policy_flag.not_yours',
          role: 'supervisor',
          body: { answer: 'Refund it' },
          status: 403,
          code: 'policy_flag.not_yours',
        },
      ],
    },
    {
      route: 'POST /api/v1/kb/import',
      role: 'supervisor',
      bodyLimit: KB_IMPORT_BODY_LIMIT,
      valid: () => ({ files: [{ name: 'a.md', content: '---\ntitle: Late fees\nkind: faq\n---\nx' }] }),
      cases: [
        { name: 'no files', body: { files: [] }, fields: ['/body/files'] },
        {
          name: 'a file without content',
          body: { files: [{ name: 'a.md' }] },
          fields: ['/body/files/0/content'],
        },
      ],
    },
  ],
  ids: (v: Env): IdRoute[] => [
    { route: 'GET /api/v1/kb/articles/:id', role: 'officer', notFound: 'kb_article.not_found' },
    { route: 'GET /api/v1/solutions/:id', role: 'officer', notFound: 'solution.not_found' },
    {
      route: 'POST /api/v1/solutions/:id/comments',
      role: 'officer',
      body: () => ({ body: 'x' }),
      notFound: 'solution.not_found',
    },
    {
      route: 'POST /api/v1/solutions/:id/agree',
      role: 'team_leader',
      body: () => ({ title: 'xyz', teamIds: [v.t.team.id] }),
      notFound: 'solution.not_found',
    },
    {
      route: 'POST /api/v1/solutions/:id/decline',
      role: 'team_leader',
      body: () => ({ note: 'x' }),
      notFound: 'solution.not_found',
    },
    {
      route: 'POST /api/v1/kb/articles/:id/disseminations',
      role: 'team_leader',
      body: () => ({ teamIds: [v.t.team.id] }),
      notFound: 'kb_article.not_found',
    },
    { route: 'GET /api/v1/disseminations/:id', role: 'team_leader', notFound: 'dissemination.not_found' },
    {
      route: 'POST /api/v1/disseminations/:id/remind',
      role: 'team_leader',
      notFound: 'dissemination.not_found',
    },
    {
      route: 'POST /api/v1/disseminations/:id/acknowledge',
      role: 'officer',
      notFound: 'dissemination.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/policy-flags',
      role: 'officer',
      body: () => ({ authorityId: v.t.users.supervisor.id, policy: 'x', customerNeed: 'y', evidence: 'z' }),
      notFound: 'case.not_found',
    },
    { route: 'GET /api/v1/policy-flags/:id', role: 'officer', notFound: 'policy_flag.not_found' },
    {
      route: 'POST /api/v1/policy-flags/:id/answer',
      role: 'team_leader',
      body: () => ({ answer: 'x' }),
      notFound: 'policy_flag.not_found',
    },
    {
      route: 'PATCH /api/v1/kb/articles/:id/draft',
      role: 'officer',
      body: () => ({ body: 'x' }),
      notFound: 'kb_article.not_found',
    },
    { route: 'POST /api/v1/kb/articles/:id/submit', role: 'officer', notFound: 'kb_article.not_found' },
    {
      route: 'POST /api/v1/kb/articles/:id/approve',
      role: 'team_leader',
      body: () => ({}),
      notFound: 'kb_article.not_found',
    },
    {
      route: 'POST /api/v1/kb/articles/:id/reject',
      role: 'team_leader',
      body: () => ({ note: 'x' }),
      notFound: 'kb_article.not_found',
    },
    {
      route: 'POST /api/v1/kb/articles/:id/archive',
      role: 'team_leader',
      notFound: 'kb_article.not_found',
    },
    { route: 'GET /api/v1/kb/articles/:id/versions', role: 'officer', notFound: 'kb_article.not_found' },
    {
      route: 'GET /api/v1/kb/articles/:id/diff',
      role: 'officer',
      query: 'from=1&to=2',
      notFound: 'kb_article.not_found',
    },
    {
      route: 'POST /api/v1/kb/articles/:id/usage',
      role: 'officer',
      body: () => ({ action: 'viewed' }),
      notFound: 'kb_article.not_found',
    },
    {
      route: 'POST /api/v1/kb/articles/:id/attachments',
      role: 'officer',
      body: () => ({ filename: 'a.txt', contentType: 'text/plain', dataBase64: 'aGk=' }),
      notFound: 'kb_article.not_found',
    },
    { route: 'GET /api/v1/kb/attachments/:id', role: 'officer', notFound: 'kb_attachment.not_found' },
    {
      route: 'GET /api/v1/public/kb/attachments/:id',
      role: 'officer',
      notFound: 'kb_attachment.not_found',
    },
  ],
};
