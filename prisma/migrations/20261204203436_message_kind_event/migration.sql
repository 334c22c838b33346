-- AlterEnum
ALTER TYPE "MessageKind" ADD VALUE 'event';
