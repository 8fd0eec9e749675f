import { Injectable } from '@nestjs/common';
import { CycleRoller } from '../subscriptions/cycle-roller.service';
import { AuthorizationDecision, decide } from './authorization-decision';
import { AuthorizationRepository } from './authorization.repository';

export interface AuthorizationRequest {
  subscriberId: string;
  model: string;
  /** Credits the call is expected to cost; one when the gateway does not know. */
  estimatedCredits?: number | null;
}

/**
 * Real-time authorization: one read of the subscriber's current state, decided by pure rules.
 * Nothing is cached, so a suspension or a retired model takes effect on the very next call.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly repo: AuthorizationRepository,
    private readonly roller: CycleRoller,
  ) {}

  async authorize(req: AuthorizationRequest, now = new Date()): Promise<AuthorizationDecision> {
    let snapshot = await this.repo.snapshot(req.subscriberId, req.model, now);
    // The cycle has ended but nothing rolled it yet (about once a month per subscription).
    if (snapshot?.cycleEndAt && snapshot.cycleEndAt.getTime() <= now.getTime()) {
      await this.roller.rollNow(snapshot.subscriptionId, now);
      snapshot = await this.repo.snapshot(req.subscriberId, req.model, now);
    }
    return decide(snapshot, req.model, req.estimatedCredits ?? 1);
  }
}
