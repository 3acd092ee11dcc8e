import { UnsupportedMediaTypeError } from '../../shared/errors';
import { translatePerformance } from './b2mml/inbound';
import type { MesFact } from './facts';
import { translateJsonBody } from './json/inbound';

export interface MesProfileInput {
  readonly contentType: string | undefined;
  readonly body: string;
  readonly plant?: string;
}

/** Picks the profile by media type: JSON → REST/JSON profile, XML → B2MML. */
export const translateIncoming = ({ contentType, body, plant }: MesProfileInput): MesFact[] => {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const options = plant === undefined ? {} : { plant };
  if (media === 'application/json' || media.endsWith('+json')) return translateJsonBody(body, options);
  if (media === 'application/xml' || media === 'text/xml' || media.endsWith('+xml')) {
    return translatePerformance(body, options);
  }
  throw new UnsupportedMediaTypeError(
    `content type "${media || '(none)'}" is not supported; send application/json (REST/JSON profile) or application/xml (B2MML)`,
  );
};
