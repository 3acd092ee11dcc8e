import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { signMaintainxWebhook, translateMaintainxWebhook } from '../../functions/maintenance';
import { translateB2mml, translateMesJson } from '../../functions/mes';
import { translateSapIdoc } from '../../functions/sap';
import { ValidationError } from '../../shared/errors';
import type { Io } from '../io';

interface PreviewEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** Every inbound format the CLI can preview, and the connector function that translates it. */
type Translate = (text: string, options: { plant?: string }) => readonly PreviewEvent[];
export const TRANSLATORS: Readonly<Record<string, Translate>> = {
  // The IDoc control record names the plant; the others take it from the URL they arrive on.
  'sap-idoc': (text) => translateSapIdoc(text),
  b2mml: (text, options) => translateB2mml(text, options),
  'mes-json': (text, options) => translateMesJson(text, options),
  'maintainx-webhook': (text, options) => translateMaintainxWebhook(text, options),
};

const readInput = async (file: string, io: Io): Promise<string> => {
  if (file === '-') return io.stdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
};

export const registerTranslate = (program: Command, io: Io): void => {
  program
    .command('translate <format> <file>')
    .description(
      `print the canonical events a payload becomes, one JSON object per line (format: ${Object.keys(
        TRANSLATORS,
      ).join(' | ')}; file "-" reads standard input)`,
    )
    .option(
      '--plant <code>',
      'the plant the payload arrives for (MES and webhook payloads arrive on a plant URL)',
    )
    .action(async (format: string, file: string, options: { plant?: string }) => {
      const translate = TRANSLATORS[format];
      if (!translate) {
        throw new ValidationError(
          `unknown format "${format}"; use one of ${Object.keys(TRANSLATORS).join(', ')}`,
        );
      }
      const text = await readInput(file, io);
      let events: readonly PreviewEvent[];
      try {
        events = translate(text, options.plant ? { plant: options.plant } : {});
      } catch (error) {
        // Everything a pure translation refuses is bad input: exit 2 with the connector's reason.
        throw new ValidationError(`${format}: ${error instanceof Error ? error.message : String(error)}`);
      }
      for (const e of events)
        io.out(`${JSON.stringify({ source: e.source, detailType: e.detailType, detail: e.detail })}\n`);
    });

  const webhook = program.command('webhook').description('webhook helpers for tests and integration work');
  webhook
    .command('sign <tool> <file>')
    .description('print the headers the tool would send with this body (tool: maintainx)')
    .requiredOption('--secret <secret>', 'the webhook signing secret')
    .option('--timestamp <seconds>', 'signature time in seconds since the epoch (default: now)')
    .action(async (tool: string, file: string, options: { secret: string; timestamp?: string }) => {
      if (tool !== 'maintainx') throw new ValidationError(`unknown tool "${tool}"; use maintainx`);
      const body = await readInput(file, io);
      const headers = signMaintainxWebhook({
        secret: options.secret,
        body,
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      });
      io.out(`${JSON.stringify(headers, null, 2)}\n`);
    });
};
