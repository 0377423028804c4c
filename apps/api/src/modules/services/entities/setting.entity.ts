import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Key/value desired state not owned by a module's own table (for example `service.smb`). */
@Entity('settings')
export class SettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
