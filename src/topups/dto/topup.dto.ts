import { ApiProperty } from '@nestjs/swagger';
import { IsCode } from '../../common/validation/text.validators';
import { Topup } from '../entities/topup.entity';

export class PurchaseTopupDto {
  @ApiProperty({ example: 'pack-5m' })
  @IsCode()
  packCode: string;
}

export class TopupView {
  @ApiProperty({ description: 'Purchase id (also the source reference of its bucket and TOPUP charge)' }) id: string;
  @ApiProperty() subscriptionId: string;
  @ApiProperty() packCode: string;
  @ApiProperty({ example: 5000000 }) credits: number;
  @ApiProperty({ example: 500 }) priceFen: number;
  @ApiProperty() validFrom: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty() chargeId: string;

  static of(t: Topup): TopupView {
    return {
      id: t.id,
      subscriptionId: t.subscriptionId,
      packCode: t.packCode,
      credits: t.credits,
      priceFen: t.priceFen,
      validFrom: t.validFrom.toISOString(),
      expiresAt: t.expiresAt.toISOString(),
      chargeId: t.chargeId,
    };
  }
}
