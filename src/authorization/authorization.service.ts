import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ReservationsRepository } from '../reservations/reservations.repository';
import { CycleRoller } from '../subscriptions/cycle-roller.service';
import { AuthorizationDecision, AuthorizationSnapshot, decide } from './authorization-decision';
import { AuthorizationRepository } from './authorization.repository';
import { decideHold } from './hold-decision';
import { Clock } from '../common/clock/clock';

export interface AuthorizationRequest {
  subscriberId: string;
  model: string;
  /** Credits the call is expected to cost; one when the gateway does not know. */
  estimatedCredits?: number | null;
  /** Hold estimatedCredits until the call's usage event settles them (estimatedCredits is then required). */
  reserve?: boolean;
}

export interface ReservedDecision extends AuthorizationDecision {
  reservationId?: string;
  reservationExpiresAt?: string;
}

/**
 * Real-time authorization: one read of the subscriber's current state, decided by pure rules; with
 * `reserve`, the same read and decision under the pool's lock, and the hold written with them.
 * No state is cached, so a suspension or a retired model takes effect on the very next call.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly repo: AuthorizationRepository,
    private readonly roller: CycleRoller,
    private readonly reservations: ReservationsRepository,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async authorize(req: AuthorizationRequest, now = this.clock.now()): Promise<ReservedDecision> {
    if (req.reserve) return this.reserve(req, req.estimatedCredits!, now);
    return decide(await this.rolledSnapshot(req, now), req.model, req.estimatedCredits ?? 1);
  }

  private async reserve(req: AuthorizationRequest, estimate: number, now: Date): Promise<ReservedDecision> {
    const held = await this.hold(req, estimate, now);
    if (!('rollFirst' in held)) return held;
    // The cycle has ended but nothing rolled it yet: roll outside the hold's transaction, then hold.
    await this.roller.rollNow(held.rollFirst, now);
    const again = await this.hold(req, estimate, now);
    // Unreachable: a roll brings the cycle up to `now`. Refuse rather than hold on a stale cycle.
    return 'rollFirst' in again ? decideHold(null, req.model, estimate) : again;
  }

  private async rolledSnapshot(req: AuthorizationRequest, now: Date): Promise<AuthorizationSnapshot | null> {
    const snapshot = await this.repo.snapshot(req.subscriberId, req.model, now);
    // The cycle has ended but nothing rolled it yet (about once a month per subscription).
    if (snapshot?.cycleEndAt && snapshot.cycleEndAt.getTime() <= now.getTime()) {
      await this.roller.rollNow(snapshot.subscriptionId, now);
      return this.repo.snapshot(req.subscriberId, req.model, now);
    }
    return snapshot;
  }

  /**
   * Decides under the pool's lock and holds in the same transaction: two holds on one pool never
   * both see the same free credits, because the second reads the balance only after the first has
   * committed its hold. READ COMMITTED (the database default, not set here to save a round trip)
   * gives each statement a fresh snapshot, which is what makes the read after the lock current.
   */
  private hold(req: AuthorizationRequest, estimate: number, now: Date): Promise<ReservedDecision | { rollFirst: string }> {
    return this.dataSource.transaction(async (em) => {
      await this.reservations.lockPoolOf(em, req.subscriberId);
      const snapshot = await this.repo.snapshot(req.subscriberId, req.model, now, em);
      if (snapshot?.cycleEndAt && snapshot.cycleEndAt.getTime() <= now.getTime()) return { rollFirst: snapshot.subscriptionId };
      const decision = decideHold(snapshot, req.model, estimate);
      if (!decision.allowed || !snapshot) return decision;
      const expiresAt = new Date(now.getTime() + this.config.RESERVATION_TTL_SECONDS * 1000);
      const hold = await this.reservations.insert(em, {
        subscriptionId: snapshot.subscriptionId,
        subscriberId: req.subscriberId,
        model: req.model,
        credits: estimate,
        createdAt: now,
        expiresAt,
      });
      return { ...decision, reservationId: hold.id, reservationExpiresAt: hold.expiresAt.toISOString() };
    });
  }
}
